package io.vmo.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * A running byte count with a CRC32C and, unless made {@link #fast()}, a SHA-256: for comparing what a process
 * wrote, what was stored and what a client got. Clients use the fast kind while they are being timed (CRC32C is a
 * CPU instruction; SHA-256 would be a good part of the client's CPU time), the rest use both.
 */
final class Digest {

    private final MessageDigest sha;
    private final CRC32C crc = new CRC32C();
    private long bytes;

    Digest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Digest(boolean fast) {
        sha = null;
    }

    /** Count and CRC32C only. */
    static Digest fast() {
        return new Digest(true);
    }

    void update(byte[] data) {
        update(data, 0, data.length);
    }

    void update(byte[] data, int offset, int length) {
        if (sha != null) {
            sha.update(data, offset, length);
        }
        crc.update(data, offset, length);
        bytes += length;
    }

    /** Ends the digest. */
    Result finish() {
        return new Result(bytes, sha == null ? null : HexFormat.of().formatHex(sha.digest()), crc.getValue());
    }

    /** {@code sha256} is null when not computed; {@code crc32c} is -1 when not known (a writer's own report). */
    record Result(long bytes, String sha256, long crc32c) {
        static final Result EMPTY = new Digest().finish();

        static Result ofSha256(long bytes, String sha256) {
            return new Result(bytes, sha256, -1);
        }

        /** Same length, and every checksum both sides have agrees (at least one must be shared). */
        boolean matches(Result other) {
            boolean shaShared = sha256 != null && other.sha256 != null;
            boolean crcShared = crc32c >= 0 && other.crc32c >= 0;
            return bytes == other.bytes
                    && (shaShared || crcShared)
                    && (!shaShared || sha256.equals(other.sha256))
                    && (!crcShared || crc32c == other.crc32c);
        }

        @Override
        public String toString() {
            return bytes + " B" + (sha256 == null ? "" : ", sha256 " + sha256.substring(0, 16) + "…")
                    + (crc32c < 0 ? "" : String.format(", crc32c %08x", crc32c));
        }
    }
}
