package io.vmo.bench;

import io.vmo.e2e.TestDaemon;
import io.vmo.protocol.LogStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase 2: one job that writes a prepared file as fast as {@code cat} can, with a client joined and reading all of
 * it; timed from sending execute-command until job:done has arrived and the job's end is stored. Then every byte
 * is checked: the stored stdout against the file, what the client got against what was stored. The same command
 * read from a plain pipe in this JVM is the baseline.
 */
final class Throughput {

    record Result(long bytes, double pipeSeconds, double vmoSeconds, double lastEventSeconds, double doneSeconds,
            double storedSeconds,
            long events, Machine.Cpu cpu, long daemonPeakRssKb, String storage, long storedDataBytes,
            List<String> problems) {

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

    Throughput(TestDaemon daemon, BenchProject project, Path pgData, Link.Kind client) {
        this.daemon = daemon;
        this.project = project;
        this.pgData = pgData;
        this.client = client;
    }

    /** Reads the command's stdout from a pipe, counting bytes; returns seconds from start to exit. */
    double pipe(Path file, long expectedBytes) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(project.argv("flood", List.of("FILE=" + file)))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
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
        List<String> problems = new ArrayList<>();
        Machine.Cpu before = Machine.Cpu.sample(daemonPid, pgData);
        long t0 = System.nanoTime();
        long t0Epoch = Watched.epochNanos();
        Watched w = Watched.start(client, daemon, "flood", List.of("FILE=" + file), (log, at) -> { });
        double doneSeconds;
        double storedSeconds;
        StoredDigest stored;
        Machine.Cpu cpu;
        try {
            var done = w.awaitDone(600);
            long storedAt = StoredDigest.awaitEndStored(db, w.id(), 120);
            cpu = Machine.Cpu.sample(daemonPid, pgData).minus(before);
            doneSeconds = (w.doneNanoTime() - t0) / 1e9;
            storedSeconds = (storedAt - t0) / 1e9;
            if (done.exitCode() == null || done.exitCode() != 0) {
                problems.add("the job ended " + done.status().wireName() + " (exit " + done.exitCode() + ")");
            }
            stored = StoredDigest.read(db, w.id());
            check(problems, "stored stdout vs the file", stored.bytes(LogStream.STDOUT), source);
            check(problems, "client stdout vs stored", w.received(LogStream.STDOUT),
                    client.expected(stored, LogStream.STDOUT));
            for (LogStream other : List.of(LogStream.STDERR, LogStream.SYSTEM)) {
                check(problems, "stored " + other.wireName(), stored.bytes(other), Digest.Result.EMPTY);
                check(problems, "client " + other.wireName(), w.received(other), Digest.Result.EMPTY);
            }
            if (!stored.seqsContiguous()) {
                problems.add("stored seqs are not 1..n");
            }
            if (w.seqProblem() != null) {
                problems.add("client: " + w.seqProblem());
            }
            if (w.lastSeq() != stored.events()) {
                problems.add("client saw " + w.lastSeq() + " events, the store holds " + stored.events());
            }
        } finally {
            w.close();
        }
        return new Result(source.bytes(), pipeSeconds, Math.max(doneSeconds, storedSeconds),
                (w.lastLogAt() - t0Epoch) / 1e9, doneSeconds,
                storedSeconds, stored.events(), cpu, Machine.statusKb(daemonPid, "VmHWM"), storage(db),
                storedDataBytes(db, w.id()), problems);
    }

    /** How PostgreSQL keeps job_events.data: its TOAST storage strategy and compression method. */
    private static String storage(Connection db) throws java.sql.SQLException {
        try (var s = db.createStatement(); var rs = s.executeQuery("""
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
        try (var s = db.prepareStatement("select coalesce(sum(pg_column_size(data)), 0) from job_events where job_id = ?")) {
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
