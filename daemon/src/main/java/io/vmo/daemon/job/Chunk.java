package io.vmo.daemon.job;

import io.vmo.protocol.LogStream;
import io.vmo.protocol.Response;
import java.time.Instant;
import java.util.UUID;

/**
 * One numbered piece of a job's output as the process wrote it. {@code data} ends on a UTF-8 character boundary
 * (see {@link Utf8Boundary}), so decoding it alone gives exactly the text JSON clients are sent, live or replayed.
 */
public record Chunk(UUID jobId, long seq, LogStream stream, Instant ts, byte[] data) {

    /** The event as sent; its data is this chunk's, not a copy. */
    public Response.JobLog toMessage() {
        return new Response.JobLog(jobId.toString(), seq, stream, data, ts);
    }
}
