package io.vmo.daemon.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import javax.crypto.Mac;

/**
 * The audit trail's HMAC-SHA-256 chain: {@code mac(n) = HMAC(key, mac(n-1) || encoding(row n))}, starting from 32
 * zero bytes. The encoding is canonical — the chain's id, the seq, the time in microseconds (what PostgreSQL
 * keeps), then each text field as its UTF-8 length (-1 for null) and bytes — so any change to any field, or to a
 * row's place, changes its MAC, and a row cannot be moved to another chain.
 */
public final class AuditChain {

    /** The MAC the first row chains from. */
    public static final byte[] GENESIS = new byte[32];

    private final AuditKey key;

    public AuditChain(AuditKey key) {
        this.key = key;
    }

    /** The row's MAC, chained from {@code previous}. */
    public byte[] mac(UUID chain, byte[] previous, long seq, Instant at, AuditEntry entry) {
        Mac mac = key.mac();
        mac.update(previous);
        mac.update(encode(chain, seq, at, entry));
        return mac.doFinal();
    }

    /** The time as the store keeps it: microseconds. Applied when an entry is recorded, so the MAC covers it. */
    public static Instant stored(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    static byte[] encode(UUID chain, long seq, Instant at, AuditEntry e) {
        byte[][] fields = {
            bytes(e.action()),
            bytes(e.user()),
            bytes(e.client()),
            bytes(e.peer()),
            bytes(e.subject()),
            bytes(e.outcome()),
            bytes(e.detail())
        };
        int size = 16 + 8 + 8;
        for (byte[] f : fields) {
            size += 4 + (f == null ? 0 : f.length);
        }
        ByteBuffer out = ByteBuffer.allocate(size)
                .putLong(chain.getMostSignificantBits())
                .putLong(chain.getLeastSignificantBits())
                .putLong(seq)
                .putLong(Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000));
        for (byte[] f : fields) {
            if (f == null) {
                out.putInt(-1);
            } else {
                out.putInt(f.length).put(f);
            }
        }
        return out.array();
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
