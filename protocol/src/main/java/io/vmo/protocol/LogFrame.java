package io.vmo.protocol;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * {@code job:log} as a binary WebSocket frame, for clients that open the connection with the WebSocket subprotocol
 * {@link #SUBPROTOCOL}. The frame carries the bytes the process wrote, as they were (invalid UTF-8 included),
 * instead of JSON text: nothing to decode, escape or re-encode on either side. Layout, big-endian:
 *
 * <pre>
 * offset  size  field
 *      0     1  kind: 1 = job:log (other values are reserved; a client skips frames of a kind it does not know)
 *      1    16  jobId: the UUID's most, then least significant 8 bytes
 *     17     8  seq
 *     25     1  stream: 1 stdout, 2 stderr, 3 system, 4 pty, 5 input
 *     26     8  ts: microseconds since 1970-01-01T00:00:00Z
 *     34     …  data: the rest of the frame
 * </pre>
 *
 * Every other message stays a JSON text frame on such a connection.
 */
public final class LogFrame {

    /** The subprotocol a client names in {@code Sec-WebSocket-Protocol} to be sent output as binary frames. */
    public static final String SUBPROTOCOL = "vmo.v1.bytes";

    public static final byte KIND_JOB_LOG = 1;
    public static final int HEADER_BYTES = 34;

    private LogFrame() {}

    /** The header of the frame for {@code log}; its data follows as is (the daemon sends it without a copy). */
    public static ByteBuffer header(Response.JobLog log) {
        UUID jobId = UUID.fromString(log.jobId());
        return ByteBuffer.allocate(HEADER_BYTES)
                .put(KIND_JOB_LOG)
                .putLong(jobId.getMostSignificantBits())
                .putLong(jobId.getLeastSignificantBits())
                .putLong(log.seq())
                .put(log.stream().code)
                .putLong(ChronoUnit.MICROS.between(Instant.EPOCH, log.ts()))
                .flip();
    }

    /** The whole frame: header and data in one buffer. */
    public static ByteBuffer encode(Response.JobLog log) {
        return ByteBuffer.allocate(HEADER_BYTES + log.data().length)
                .put(header(log))
                .put(log.data())
                .flip();
    }

    /**
     * Reads a whole frame (from its position to its limit, copying the data out); throws a {@link VmoException}
     * for a frame that is cut short or of an unknown kind.
     */
    public static Response.JobLog decode(ByteBuffer frame) {
        if (frame.remaining() < HEADER_BYTES) {
            throw new VmoException(
                    ErrorCode.BAD_REQUEST,
                    "a binary frame of " + frame.remaining() + " bytes is" + " shorter than the " + HEADER_BYTES
                            + "-byte job:log header");
        }
        byte kind = frame.get();
        if (kind != KIND_JOB_LOG) {
            throw new VmoException(
                    ErrorCode.UNKNOWN_TYPE,
                    "binary frame of kind " + kind + " is not one this vmo" + " knows (1 = job:log); update vmo");
        }
        UUID jobId = new UUID(frame.getLong(), frame.getLong());
        long seq = frame.getLong();
        LogStream stream = LogStream.fromCode(frame.get());
        Instant ts = Instant.EPOCH.plus(frame.getLong(), ChronoUnit.MICROS);
        byte[] data = new byte[frame.remaining()];
        frame.get(data);
        return new Response.JobLog(jobId.toString(), seq, stream, data, ts);
    }
}
