package io.vmo.daemon.job;

import io.vmo.protocol.LogStream;
import io.vmo.protocol.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * One numbered piece of a job's output as the process wrote it. {@code data} ends on a UTF-8 character boundary
 * (see {@link Utf8Boundary}), so decoding it alone gives exactly the text clients are sent, live or replayed.
 */
public record Chunk(UUID jobId, long seq, LogStream stream, Instant ts, byte[] data) {

    /** Bytes that are not UTF-8 become U+FFFD; NUL and control characters pass through. */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    public Response.JobLog toMessage() {
        return new Response.JobLog(jobId.toString(), seq, stream, text(), ts);
    }
}
