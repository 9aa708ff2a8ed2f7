package io.vmo.daemon.job;

/** Where a buffer of UTF-8 can be cut without splitting a character. */
final class Utf8Boundary {

    private Utf8Boundary() {}

    /**
     * The length of the longest prefix of {@code buf[0, len)} that does not end inside a multi-byte character.
     * Only a well-formed but incomplete sequence at the very end is held back (at most 3 bytes); invalid bytes are
     * cut through like any others, since they decode to U+FFFD wherever they stand.
     */
    static int completePrefix(byte[] buf, int len) {
        // Look back over at most 3 trailing bytes for the lead byte of the last character.
        for (int back = 1; back <= Math.min(3, len); back++) {
            int b = buf[len - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for its lead
            }
            int need = b < 0x80
                    ? 1
                    : b >= 0xC2 && b <= 0xDF
                            ? 2
                            : b >= 0xE0 && b <= 0xEF
                                    ? 3
                                    : b >= 0xF0 && b <= 0xF4
                                            ? 4
                                            : 1; // not a lead byte UTF-8 allows: nothing to wait for
            return need > back ? len - back : len;
        }
        return len;
    }
}
