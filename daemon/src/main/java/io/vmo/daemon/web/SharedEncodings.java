package io.vmo.daemon.web;

import io.vmo.protocol.Codec;
import io.vmo.protocol.Response;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Output events as JSON text, encoded once for every connection that sends them: the most recently used are kept,
 * up to {@link #BUDGET_BYTES}. Each browser viewer of a job is sent the same events; encoding them for each cost
 * CPU and a copy per viewer in every connection's queue, so 200 viewers held 200 copies. (Binary frames need
 * none: they send the event's own bytes.)
 */
final class SharedEncodings {

    static final long BUDGET_BYTES = 8 << 20;

    private record Key(String jobId, long seq) {}

    private final Codec codec;
    private final long budget;
    private final LinkedHashMap<Key, byte[]> recent = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    SharedEncodings(Codec codec) {
        this(codec, BUDGET_BYTES);
    }

    SharedEncodings(Codec codec, long budget) {
        this.codec = codec;
        this.budget = budget;
    }

    /** The event's JSON; the same array for every caller while it is kept. Encodes outside the lock. */
    byte[] json(Response.JobLog event) {
        Key key = new Key(event.jobId(), event.seq());
        synchronized (this) {
            byte[] kept = recent.get(key);
            if (kept != null) {
                return kept;
            }
        }
        byte[] encoded = codec.encodeBytes(event);
        synchronized (this) {
            byte[] raced = recent.putIfAbsent(key, encoded);
            if (raced != null) {
                return raced;
            }
            bytes += encoded.length;
            for (Iterator<Map.Entry<Key, byte[]>> least = recent.entrySet().iterator();
                    bytes > budget && least.hasNext(); ) {
                bytes -= least.next().getValue().length;
                least.remove();
            }
        }
        return encoded;
    }

    /** Bytes kept now (for tests). */
    synchronized long keptBytes() {
        return bytes;
    }
}
