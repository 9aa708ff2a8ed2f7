package io.vmo.bench;

import io.vmo.protocol.LogStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * What PostgreSQL holds for one job, read with plain JDBC (a cursor, so a 1 GB job is never in memory at once):
 * per stream the byte count and SHA-256 of the stored bytes and of the text clients are sent (each event decoded
 * on its own, as the daemon does), whether seqs run 1..n without a gap, and the job's status.
 */
record StoredDigest(
        String status,
        Integer exitCode,
        long events,
        boolean seqsContiguous,
        Map<LogStream, Digest.Result> bytes,
        Map<LogStream, Digest.Result> text) {

    static StoredDigest read(Connection c, String jobId) throws SQLException {
        UUID id = UUID.fromString(jobId);
        String status;
        Integer exit;
        try (var s = c.prepareStatement("select status, exit_code from jobs where id = ?")) {
            s.setObject(1, id);
            try (var rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row for job " + jobId);
                }
                status = rs.getString(1);
                exit = (Integer) rs.getObject(2);
            }
        }
        Map<LogStream, Digest> bytes = new EnumMap<>(LogStream.class);
        Map<LogStream, Digest> text = new EnumMap<>(LogStream.class);
        long events = 0;
        boolean contiguous = true;
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false); // pgjdbc only streams with a fetch size inside a transaction
        try (var s = c.prepareStatement("select seq, stream, data from job_events where job_id = ? order by seq")) {
            s.setFetchSize(256);
            s.setObject(1, id);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    events++;
                    contiguous &= rs.getLong(1) == events;
                    LogStream stream = LogStream.fromWire(rs.getString(2));
                    byte[] data = rs.getBytes(3);
                    bytes.computeIfAbsent(stream, k -> new Digest()).update(data);
                    text.computeIfAbsent(stream, k -> new Digest())
                            .update(new String(data, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
                }
            }
            c.commit();
        } finally {
            c.setAutoCommit(autoCommit);
        }
        Map<LogStream, Digest.Result> b = new EnumMap<>(LogStream.class);
        Map<LogStream, Digest.Result> t = new EnumMap<>(LogStream.class);
        bytes.forEach((k, v) -> b.put(k, v.finish()));
        text.forEach((k, v) -> t.put(k, v.finish()));
        return new StoredDigest(status, exit, events, contiguous, b, t);
    }

    Digest.Result bytes(LogStream stream) {
        return bytes.getOrDefault(stream, Digest.Result.EMPTY);
    }

    Digest.Result text(LogStream stream) {
        return text.getOrDefault(stream, Digest.Result.EMPTY);
    }

    /**
     * As {@link #awaitEndStored(Connection, String, long)}, for a job that writes {@code report} once it has written
     * its output: polled every 2 ms only from then on (until then every 500 ms, for a job that fails before its
     * report). Polling while it wrote took 20-60 ms of this JVM's CPU and 10-40 ms of a PostgreSQL backend's during a
     * 0.4 s write, on the job's two cores.
     */
    static long awaitEndStored(Connection c, String jobId, Path report, long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        for (int waits = 1; !Files.exists(report) && System.nanoTime() < deadline; waits++) {
            Thread.sleep(10);
            if (waits % 50 == 0 && ended(c, jobId)) {
                break;
            }
        }
        return awaitEndStored(c, jobId, Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L));
    }

    private static boolean ended(Connection c, String jobId) throws SQLException {
        try (var s = c.prepareStatement("select status from jobs where id = ?")) {
            s.setObject(1, UUID.fromString(jobId));
            try (var rs = s.executeQuery()) {
                return rs.next() && !"running".equals(rs.getString(1));
            }
        }
    }

    /** Waits until the job's end is stored (its status is no longer running); returns System.nanoTime() then. */
    static long awaitEndStored(Connection c, String jobId, long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (!ended(c, jobId)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + jobId + ": end not stored after " + timeoutSeconds + " s");
            }
            Thread.sleep(2);
        }
        return System.nanoTime();
    }
}
