package io.vmo.bench;

import io.vmo.e2e.TestDaemon;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Response;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Phase 2: one job that writes a prepared file as fast as {@code cat} can, with a client joined and reading all of
 * it; timed from sending execute-command until job:done has arrived and the job's end is stored. Then every byte
 * is checked: the stored stdout against the file, what the client got against what was stored. The same command
 * read from a plain pipe in this JVM is the baseline. A client the daemon drops is a failure, not an error: then
 * the job's end is timed by polling the REST API, and the store is still checked against the file.
 */
final class Throughput {

    record Result(
            long bytes,
            double pipeSeconds,
            double vmoSeconds,
            double lastEventSeconds,
            double doneSeconds,
            double storedSeconds,
            long events,
            Machine.Cpu cpu,
            long daemonPeakRssKb,
            String storage,
            long storedDataBytes,
            String clientProblem,
            List<String> problems,
            Ceiling.Result ceiling) {

        double pipeMBps() {
            return bytes / 1e6 / pipeSeconds;
        }

        double vmoMBps() {
            return bytes / 1e6 / vmoSeconds;
        }

        boolean exact() {
            return problems.isEmpty();
        }
    }

    private final TestDaemon daemon;
    private final BenchProject project;
    private final Path pgData;
    private final Link.Kind client;
    private final String jdbcUrl;

    Throughput(TestDaemon daemon, BenchProject project, Path pgData, String jdbcUrl, Link.Kind client) {
        this.daemon = daemon;
        this.project = project;
        this.pgData = pgData;
        this.jdbcUrl = jdbcUrl;
        this.client = client;
    }

    /**
     * The ceiling, once just before vmo's run and once just after it (the machine's speed drifts over minutes):
     * the faster of the two, so vmo is judged against the most the machine showed.
     */
    private Ceiling.Result ceiling(Path file, long bytes) throws Exception {
        try (Connection session = java.sql.DriverManager.getConnection(jdbcUrl)) {
            return new Ceiling(project, pgData).run(file, bytes, session);
        }
    }

    /** Reads the command's stdout from a pipe, counting bytes; returns seconds from start to exit. */
    double pipe(Path file, long expectedBytes) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(project.argv("flood", List.of("FILE=" + file)))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.getOutputStream().close();
        long count = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = p.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                count += n;
            }
        }
        p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (count != expectedBytes) {
            throw new IllegalStateException("the pipe baseline read " + count + " bytes, expected " + expectedBytes);
        }
        return seconds;
    }

    Result run(Path file, Digest.Result source, Connection db, long daemonPid) throws Exception {
        double pipeSeconds = Math.min(pipe(file, source.bytes()), pipe(file, source.bytes()));
        Ceiling.Result ceilingBefore = ceiling(file, source.bytes());
        List<String> problems = new ArrayList<>();
        Machine.Cpu before = Machine.Cpu.sample(daemonPid, pgData);
        long t0 = System.nanoTime();
        long t0Epoch = Watched.epochNanos();
        Watched w = Watched.start(client, daemon, "flood", List.of("FILE=" + file), (log, at) -> {});
        double doneSeconds;
        double storedSeconds;
        StoredDigest stored;
        Machine.Cpu cpu;
        String clientProblem = null;
        try {
            Response.JobDone done = null;
            long doneAt;
            try {
                done = w.awaitDone(DONE_TIMEOUT_SECONDS);
                doneAt = w.doneNanoTime();
            } catch (ExecutionException e) {
                clientProblem = "the client was dropped by the daemon after seq " + w.lastSeq() + ": "
                        + e.getCause().getMessage();
                doneAt = awaitEndedOverRest(w.id(), DONE_TIMEOUT_SECONDS);
            } catch (TimeoutException e) {
                clientProblem = "job:done did not reach the client within " + DONE_TIMEOUT_SECONDS + " s (at seq "
                        + w.lastSeq() + ")";
                doneAt = awaitEndedOverRest(w.id(), 60);
            }
            if (clientProblem != null) {
                problems.add(clientProblem);
                if (doneAt < 0) {
                    problems.add("the job was still running (GET /api/jobs/ID) when the benchmark gave up");
                }
            }
            long storedAt;
            try {
                storedAt = StoredDigest.awaitEndStored(db, w.id(), 120);
            } catch (IllegalStateException e) {
                problems.add(e.getMessage());
                storedAt = System.nanoTime();
            }
            cpu = Machine.Cpu.sample(daemonPid, pgData).minus(before);
            doneSeconds = ((doneAt < 0 ? System.nanoTime() : doneAt) - t0) / 1e9;
            storedSeconds = (storedAt - t0) / 1e9;
            if (done != null && (done.exitCode() == null || done.exitCode() != 0)) {
                problems.add("the job ended " + done.status().wireName() + " (exit " + done.exitCode() + ")");
            }
            stored = StoredDigest.read(db, w.id());
            if (done == null && !"success".equals(stored.status())) {
                problems.add("the job's stored status is " + stored.status());
            }
            check(problems, "stored stdout vs the file", stored.bytes(LogStream.STDOUT), source);
            if (clientProblem == null) {
                check(
                        problems,
                        "client stdout vs stored",
                        w.received(LogStream.STDOUT),
                        client.expected(stored, LogStream.STDOUT));
            }
            for (LogStream other : List.of(LogStream.STDERR, LogStream.SYSTEM)) {
                check(problems, "stored " + other.wireName(), stored.bytes(other), Digest.Result.EMPTY);
                if (clientProblem == null) {
                    check(problems, "client " + other.wireName(), w.received(other), Digest.Result.EMPTY);
                }
            }
            if (!stored.seqsContiguous()) {
                problems.add("stored seqs are not 1..n");
            }
            if (w.seqProblem() != null) {
                problems.add("client: " + w.seqProblem());
            }
            if (clientProblem == null && w.lastSeq() != stored.events()) {
                problems.add("client saw " + w.lastSeq() + " events, the store holds " + stored.events());
            }
        } finally {
            w.close();
        }
        Ceiling.Result ceilingAfter = ceiling(file, source.bytes());
        return new Result(
                source.bytes(),
                pipeSeconds,
                Math.max(doneSeconds, storedSeconds),
                (w.lastLogAt() - t0Epoch) / 1e9,
                doneSeconds,
                storedSeconds,
                stored.events(),
                cpu,
                Machine.statusKb(daemonPid, "VmHWM"),
                storage(db),
                storedDataBytes(db, w.id()),
                clientProblem,
                problems,
                ceilingBefore.seconds() <= ceilingAfter.seconds() ? ceilingBefore : ceilingAfter);
    }

    static final long DONE_TIMEOUT_SECONDS = 600;
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"(\\w+)\"");

    /**
     * When the client is gone: polls {@code GET /api/jobs/ID} (bearer token) every 20 ms until the job is no
     * longer running; returns System.nanoTime() then, or -1 after the timeout.
     */
    private long awaitEndedOverRest(String jobId, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                var response = daemon.get("/api/jobs/" + jobId, Duration.ofSeconds(5));
                Matcher m = STATUS.matcher(response.body());
                if (response.statusCode() == 200 && m.find() && !"running".equals(m.group(1))) {
                    return System.nanoTime();
                }
            } catch (java.io.IOException e) {
                // the daemon is busy or restarting; try again
            }
            Thread.sleep(20);
        }
        return -1;
    }

    /** How PostgreSQL keeps job_events.data: its TOAST storage strategy and compression method. */
    private static String storage(Connection db) throws java.sql.SQLException {
        try (var s = db.createStatement();
                var rs = s.executeQuery("""
                select a.attstorage, a.attcompression, current_setting('default_toast_compression')
                from pg_attribute a where a.attrelid = 'job_events'::regclass and a.attname = 'data'
                """)) {
            if (!rs.next()) {
                return "?";
            }
            String storage = switch (rs.getString(1)) {
                case "x" -> "extended (compressed when a value is over ~2 KB, then moved out of line)";
                case "e" -> "external (out of line, never compressed)";
                case "m" -> "main (compressed, kept in line if possible)";
                case "p" -> "plain";
                default -> rs.getString(1);
            };
            String method = rs.getString(2) == null || rs.getString(2).isEmpty() ? rs.getString(3) : rs.getString(2);
            return "`" + storage + "`, compression " + method;
        }
    }

    /** The bytes PostgreSQL keeps for the job's data values (after any TOAST compression). */
    private static long storedDataBytes(Connection db, String jobId) throws java.sql.SQLException {
        try (var s =
                db.prepareStatement("select coalesce(sum(pg_column_size(data)), 0) from job_events where job_id = ?")) {
            s.setObject(1, java.util.UUID.fromString(jobId));
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void check(List<String> problems, String what, Digest.Result actual, Digest.Result expected) {
        if (!actual.matches(expected)) {
            problems.add(what + ": " + actual + " instead of " + expected);
        }
    }
}
