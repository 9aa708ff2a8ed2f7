package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8BoundaryTest {

    @Test
    void holdsBackOnlyAnIncompleteCharacterAtTheEnd() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // E2 82 AC
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8); // F0 9F 98 80
        assertThat(cut(bytes("ab"))).isEqualTo(2);
        assertThat(cut(euro)).isEqualTo(3);
        assertThat(cut(new byte[] {'a', euro[0]})).isEqualTo(1);
        assertThat(cut(new byte[] {'a', euro[0], euro[1]})).isEqualTo(1);
        assertThat(cut(new byte[] {'a', emoji[0], emoji[1], emoji[2]})).isEqualTo(1);
        assertThat(cut(emoji)).isEqualTo(4);
    }

    @Test
    void cutsThroughInvalidBytes() {
        assertThat(cut(new byte[] {'a', (byte) 0xff})).isEqualTo(2);
        assertThat(cut(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80})).isEqualTo(3);
        assertThat(cut(new byte[] {'a', (byte) 0xc0})).isEqualTo(2); // C0 never starts a valid character
        assertThat(cut(new byte[] {0})).isEqualTo(1);
    }

    /** Whatever the read sizes, decoding chunk by chunk gives the text of decoding it all at once. */
    @Test
    void chunkwiseDecodingEqualsWholeDecoding() {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            byte[] data = new byte[random.nextInt(64)];
            for (int i = 0; i < data.length; i++) {
                // mostly UTF-8-ish bytes, so that split characters are common
                data[i] = (byte)
                        switch (random.nextInt(6)) {
                            case 0 -> 0xE2;
                            case 1 -> 0xF0;
                            case 2 -> 0x80 + random.nextInt(64);
                            case 3 -> 0xC3;
                            case 4 -> random.nextInt(256);
                            default -> 'a';
                        };
            }
            StringBuilder chunked = new StringBuilder();
            byte[] buf = new byte[8];
            int carried = 0;
            int pos = 0;
            while (pos < data.length) {
                int n = Math.min(1 + random.nextInt(buf.length - carried), data.length - pos);
                System.arraycopy(data, pos, buf, carried, n);
                pos += n;
                int length = carried + n;
                int cut = Utf8Boundary.completePrefix(buf, length);
                chunked.append(new String(buf, 0, cut, StandardCharsets.UTF_8));
                carried = length - cut;
                System.arraycopy(buf, cut, buf, 0, carried);
            }
            chunked.append(new String(buf, 0, carried, StandardCharsets.UTF_8));
            assertThat(chunked.toString()).as(hex(data)).isEqualTo(new String(data, StandardCharsets.UTF_8));
        }
    }

    private static int cut(byte[] b) {
        return Utf8Boundary.completePrefix(b, b.length);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(byte[] data) {
        StringBuilder s = new StringBuilder();
        for (byte b : data) {
            s.append(String.format("%02x ", b));
        }
        return s.toString();
    }
}
