package io.vmo.bench;

import io.vmo.e2e.TestDaemon;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The retention phase ({@code --only retention}): how deleting a lot of old output (1 GB; 64 MB with --quick)
 * weighs on the store and on the event writer, to choose how the daemon prunes. Old output is written straight into
 * the store, back-dated 60 days, 64 KiB rows as a flood's; while each way of removing it runs, flood jobs run
 * back to back through the daemon, and their MB/s (execute-command to job:done) is compared with the same floods
 * run just before with nothing else going on. The ways: one {@code delete} statement (the cascade from {@code jobs}),
 * left to autovacuum; {@code vmo prune} (the daemon's design: batched deletes with pauses, then VACUUM); the same
 * without the pauses; and, on a
 * scratch table partitioned by day, dropping the old day's partition. After each, the same amount is written again
 * to see whether the freed space is reused or the files grow.
 */
final class RetentionBench {

    /** Sizes of the output table: heap, its out-of-line (TOAST) table, their indexes, total, the whole database. */
    record Sizes(long heap, long toast, long indexes, long total, long database, long live) {}

    /** Floods: each one's MB/s, and whether it ran (at least partly) while the removal did. */
    record Flood(double mbps, boolean during) {}

    record Variant(
            String name,
            long bytesRemoved,
            double seconds,
            long walBytes,
            List<Double> control,
            Sizes before,
            Sizes after,
            List<Flood> floods,
            Double autovacuumSeconds,
            Sizes afterVacuum,
            Sizes afterRewrite) {}

    record Result(long loadBytes, long floodBytes, List<Double> baseline, List<Variant> variants, String note) {}

    private static final int ROW_BYTES = 64 * 1024;
    private static final int ROWS_PER_JOB = 80; // 5.2 MB per job

    private final TestDaemon daemon;
    private final Connection db;
    private final Path floodFile;
    private final long floodBytes;
    private final long loadBytes;
    private final double autovacuumWaitSeconds;

    RetentionBench(
            TestDaemon daemon,
            Connection db,
            Path floodFile,
            long floodBytes,
            long loadBytes,
            double autovacuumWaitSeconds) {
        this.daemon = daemon;
        this.db = db;
        this.floodFile = floodFile;
        this.floodBytes = floodBytes;
        this.loadBytes = loadBytes;
        this.autovacuumWaitSeconds = autovacuumWaitSeconds;
    }

    Result run(int baselineFloods) throws Exception {
        BenchProject.generateLog(floodFile, floodBytes);
        List<Double> baseline = new ArrayList<>();
        for (int i = 0; i < baselineFloods; i++) {
            baseline.add(flood());
        }
        Bench.progress("retention: baseline floods " + baseline);
        List<Variant> variants = new ArrayList<>();

        // 1. One statement, then autovacuum.
        load();
        long bytes = oldBytes();
        Sizes before = logged("before", sizes());
        long wal = wal();
        Timed one = whileFlooding(() -> execute("delete from jobs where project = 'bench-old'"));
        long walOne = wal() - wal;
        Sizes after = logged("after", sizes());
        Bench.progress("retention: one delete statement took " + one.seconds + " s; waiting for autovacuum");
        Double waited = awaitAutovacuum();
        Sizes vacuumed = logged("vacuumed", sizes());
        load();
        Sizes rewritten = logged("rewritten", sizes());
        variants.add(new Variant(
                "one `delete` statement (cascade), then autovacuum",
                bytes,
                one.seconds,
                walOne - (one.floods().size() + CONTROL_FLOODS) * floodBytes,
                one.control(),
                before,
                after,
                one.floods,
                waited,
                vacuumed,
                rewritten));

        // 2. vmo prune: what the daemon does (batched, paced deletes, then VACUUM). The data of 1 is still there.
        before = logged("before", sizes());
        wal = wal();
        Response.PruneReport[] report = new Response.PruneReport[1];
        long[] vacuumMillis = new long[1];
        Timed pruned = whileFlooding(() -> {
            try (Link client = Link.open(Link.Kind.CLI, daemon)) {
                report[0] = client.call(new Request.Prune(client.nextId(), false), Response.PruneReport.class);
                vacuumMillis[0] = report[0].vacuumMillis();
            }
        });
        long walPrune = wal() - wal;
        after = logged("after", sizes());
        Bench.progress("retention: vmo prune took " + pruned.seconds + " s (" + report[0].jobs() + " jobs), VACUUM "
                + vacuumMillis[0] + " ms of it");
        load();
        rewritten = logged("rewritten", sizes());
        variants.add(new Variant(
                "`vmo prune`: " + io.vmo.daemon.retention.Retention.describeDesign()
                        + f(" (VACUUM: %.1f s of it)", vacuumMillis[0] / 1e3),
                report[0].bytes(),
                pruned.seconds,
                walPrune - (pruned.floods().size() + CONTROL_FLOODS) * floodBytes,
                pruned.control(),
                before,
                after,
                pruned.floods,
                null,
                null,
                rewritten));

        // 2b. The same deletes and VACUUM without the pauses (the daemon's SQL, run from here): do the pauses help?
        before = logged("before", sizes());
        bytes = oldBytes();
        wal = wal();
        long[] vacuumNanos = new long[1];
        Timed unpaced = whileFlooding(() -> {
            List<String> ids = new ArrayList<>();
            try (var s = db.createStatement();
                    var rs = s.executeQuery("select id from jobs where project = 'bench-old' order by started_at")) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            String array = "'{" + String.join(",", ids) + "}'::uuid[]";
            while (update("delete from job_events where (job_id, seq) in (select job_id, seq from job_events where"
                            + " job_id = any(" + array + ") limit 1000)")
                    == 1000) {
                // no pause
            }
            execute("delete from jobs where id = any(" + array + ")");
            long began = System.nanoTime();
            execute("vacuum (analyze) job_events");
            vacuumNanos[0] = System.nanoTime() - began;
        });
        long walUnpaced = wal() - wal;
        after = logged("after", sizes());
        load();
        rewritten = logged("rewritten", sizes());
        variants.add(new Variant(
                f("the same deletes without the pauses, then VACUUM (VACUUM: %.1f s of it)", vacuumNanos[0] / 1e9),
                bytes,
                unpaced.seconds,
                walUnpaced - (unpaced.floods().size() + CONTROL_FLOODS) * floodBytes,
                unpaced.control(),
                before,
                after,
                unpaced.floods,
                null,
                null,
                rewritten));

        // 3. Dropping a day's partition, on a scratch table partitioned by day.
        execute("delete from jobs where project = 'bench-old'");
        execute("vacuum job_events");
        execute("""
                create table bench_part (
                    job_id uuid not null, seq bigint not null, ts timestamptz not null, stream text not null,
                    data bytea not null, primary key (job_id, ts, seq)
                ) partition by range (ts)
                """);
        execute("alter table bench_part alter column data set storage external");
        execute("create table bench_part_old partition of bench_part for values from ('2000-01-01') to ('2000-01-02')");
        long rows = loadBytes / ROW_BYTES;
        for (long done = 0; done < rows; done += 2000) {
            execute("insert into bench_part select gen_random_uuid(), s, '2000-01-01 12:00', 'stdout',"
                    + " decode(repeat('61', " + ROW_BYTES + "), 'hex') from generate_series(1, "
                    + Math.min(2000, rows - done)
                    + ") s");
        }
        execute("checkpoint");
        long partBytes = scalar("select pg_total_relation_size('bench_part_old')");
        long dbBefore = scalar("select pg_database_size(current_database())");
        wal = wal();
        Timed drop = whileFlooding(() -> {
            execute("alter table bench_part detach partition bench_part_old");
            execute("drop table bench_part_old");
        });
        long walDrop = wal() - wal;
        long dbAfter = scalar("select pg_database_size(current_database())");
        execute("drop table bench_part");
        variants.add(new Variant(
                "scratch table partitioned by day: detach and drop the old day",
                partBytes,
                drop.seconds,
                walDrop - (drop.floods().size() + CONTROL_FLOODS) * floodBytes,
                drop.control(),
                new Sizes(0, 0, 0, partBytes, dbBefore, partBytes),
                new Sizes(0, 0, 0, 0, dbAfter, 0),
                drop.floods,
                null,
                null,
                null));
        for (int i = 0; i < baselineFloods; i++) {
            baseline.add(flood());
        }
        Bench.progress("retention: baseline floods, before and after " + baseline);
        return new Result(loadBytes, floodBytes, baseline, variants, null);
    }

    /** {@code control}: floods just before, with nothing else running (the machine drifts: compare with these). */
    private record Timed(double seconds, List<Flood> floods, List<Double> control) {}

    private static final int CONTROL_FLOODS = 3;

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /** Runs floods back to back from just before {@code work} until it is done (at least two). */
    private Timed whileFlooding(Work work) throws Exception {
        List<Double> control = new ArrayList<>();
        for (int i = 0; i < CONTROL_FLOODS; i++) {
            control.add(flood());
        }
        List<long[]> spans = new ArrayList<>(); // start, end (ns)
        List<Double> rates = new ArrayList<>();
        var finished = new CompletableFuture<long[]>();
        Thread flooding = Thread.ofPlatform().name("bench-floods").start(() -> {
            try {
                int n = 0;
                while (!finished.isDone() || n < 2) {
                    long start = System.nanoTime();
                    double rate = flood();
                    synchronized (spans) {
                        spans.add(new long[] {start, System.nanoTime()});
                        rates.add(rate);
                    }
                    n++;
                }
            } catch (Exception e) {
                Bench.progress("retention: a flood failed: " + e);
            }
        });
        Thread.sleep(300); // the first flood is under way
        long start = System.nanoTime();
        try {
            work.run();
        } finally {
            finished.complete(new long[] {start, System.nanoTime()});
        }
        long end = finished.get()[1];
        flooding.join();
        List<Flood> floods = new ArrayList<>();
        synchronized (spans) {
            for (int i = 0; i < spans.size(); i++) {
                boolean during = spans.get(i)[0] < end && spans.get(i)[1] > start;
                floods.add(new Flood(rates.get(i), during));
            }
        }
        return new Timed((end - start) / 1e9, floods, control);
    }

    /** One flood job through the daemon: MB/s from execute-command to job:done. */
    private double flood() throws Exception {
        long start = System.nanoTime();
        try (Watched w = Watched.start(daemon, "flood", List.of("FILE=" + floodFile), (log, at) -> {})) {
            w.awaitDone(600);
            return floodBytes / 1e6 / ((w.doneNanoTime() - start) / 1e9);
        }
    }

    /** Old finished jobs of one target (the policy keeps its last 5), 60 days back, with {@link #loadBytes} of output. */
    private void load() throws SQLException {
        long jobs = (loadBytes + (long) ROW_BYTES * ROWS_PER_JOB - 1) / ((long) ROW_BYTES * ROWS_PER_JOB) + 5;
        execute("insert into jobs (id, kind, project, target, args, command, status, exit_code, started_at,"
                + " finished_at, requested_by) select gen_random_uuid(), 'make', 'bench-old', 'old', '{}', '{make,old}',"
                + " 'success', 0, now() - interval '60 days' + i * interval '1 minute', now() - interval '60 days' + i"
                + " * interval '1 minute' + interval '10 seconds', 'owner' from generate_series(1, " + jobs + ") i");
        while (update("insert into job_events (job_id, seq, ts, stream, data) select j.id, s, j.started_at, 'stdout',"
                        + " decode(repeat('61', " + ROW_BYTES + "), 'hex') from (select id, started_at from jobs"
                        + " where project = 'bench-old' and not exists (select 1 from job_events e where e.job_id ="
                        + " jobs.id) limit 10) j cross join generate_series(1, " + ROWS_PER_JOB + ") s")
                > 0) {
            // 10 jobs a transaction
        }
        execute("checkpoint");
    }

    private long oldBytes() throws SQLException {
        return scalar("select coalesce(sum(octet_length(e.data)), 0) from job_events e join jobs j on j.id = e.job_id"
                + " where j.project = 'bench-old'");
    }

    /**
     * Waits until autovacuum has vacuumed the TOAST table (where the deleted output was) since now; the seconds
     * waited, or null. The table itself may not be vacuumed at all: its dead rows (one per 64 KiB) may stay below
     * autovacuum's 20 % of the table.
     */
    private Double awaitAutovacuum() throws Exception {
        String counts = "select coalesce(sum(autovacuum_count), 0) from pg_stat_all_tables where relid ="
                + " (select reltoastrelid from pg_class where relname = 'job_events')";
        long start = System.nanoTime();
        long before = scalar(counts);
        while ((System.nanoTime() - start) / 1e9 < autovacuumWaitSeconds) {
            Thread.sleep(2000);
            if (scalar(counts) > before) {
                return (System.nanoTime() - start) / 1e9;
            }
        }
        return null;
    }

    private Sizes logged(String label, Sizes s) {
        Bench.progress(f(
                "retention: %s: heap %.0f MB, TOAST %.0f MB, indexes %.1f MB, total %.0f MB holding %.0f MB, database %.0f"
                        + " MB",
                label,
                s.heap() / 1e6,
                s.toast() / 1e6,
                s.indexes() / 1e6,
                s.total() / 1e6,
                s.live() / 1e6,
                s.database() / 1e6));
        return s;
    }

    Sizes sizes() throws SQLException {
        try (var s = db.createStatement();
                var rs = s.executeQuery("""
                        select pg_relation_size(c.oid), pg_relation_size(c.reltoastrelid),
                               pg_indexes_size(c.oid) + pg_indexes_size(c.reltoastrelid),
                               pg_total_relation_size(c.oid), pg_database_size(current_database()),
                               (select coalesce(sum(octet_length(data)), 0) from job_events)
                        from pg_class c where c.relname = 'job_events'
                        """)) {
            rs.next();
            return new Sizes(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6));
        }
    }

    private long wal() throws SQLException {
        return scalar("select pg_current_wal_lsn() - '0/0'");
    }

    private long scalar(String sql) throws SQLException {
        try (var s = db.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (var s = db.createStatement()) {
            s.execute(sql);
        }
    }

    private int update(String sql) throws SQLException {
        try (var s = db.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    // The report's section.

    static String markdown(Result r) {
        StringBuilder md = new StringBuilder();
        double base = mean(r.baseline());
        md.append(f(
                "Old output written into the store (back-dated 60 days, 64 KiB rows): %.2f GB. Writer load: flood jobs"
                        + " of %.0f MB each through the daemon, back to back; with nothing else running (half at the start, half at the end), %s MB/s"
                        + " (mean %.1f MB/s). The machine has 2 cores, and other programs may be running on it"
                        + " (in the first runs, three other builds): compare each way's floods with the floods run"
                        + " just before it, not the absolute figures.%n%n",
                r.loadBytes() / 1e9, r.floodBytes() / 1e6, list(r.baseline()), base));
        md.append("| Way | removed | took | WAL written (beyond the floods' output) | floods during it: mean MB/s,"
                + " min (vs the " + CONTROL_FLOODS + " floods just before it) |"
                + " output table before → after | after autovacuum | after writing as much again |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Variant v : r.variants()) {
            List<Double> during =
                    v.floods().stream().filter(Flood::during).map(Flood::mbps).toList();
            md.append(f(
                    "| %s | %.2f GB | %.1f s | %.0f MB | %s | %s → %s | %s | %s |%n",
                    v.name(),
                    v.bytesRemoved() / 1e9,
                    v.seconds(),
                    v.walBytes() / 1e6,
                    during.isEmpty()
                            ? "—"
                            : f(
                                    "%.1f, %.1f (%d floods) vs %.1f: **%.0f%%**",
                                    mean(during),
                                    during.stream().mapToDouble(d -> d).min().orElse(0),
                                    during.size(),
                                    mean(v.control()),
                                    100 * mean(during) / mean(v.control())),
                    size(v.before()),
                    size(v.after()),
                    v.afterVacuum() == null
                            ? "—"
                            : size(v.afterVacuum())
                                    + (v.autovacuumSeconds() == null
                                            ? " (autovacuum had not run yet)"
                                            : f(" (ran %.0f s after)", v.autovacuumSeconds())),
                    v.afterRewrite() == null ? "—" : size(v.afterRewrite())));
        }
        md.append("\nSizes: the output table's files (heap + TOAST + indexes), what they hold (the bytes of output"
                + " stored: the floods' add to it), and the whole database; heap, TOAST and indexes apart are in the"
                + " run's log. WAL: what PostgreSQL wrote to its log meanwhile, the floods' output included.\n");
        return md.toString();
    }

    private static String size(Sizes s) {
        return f("%.0f MB holding %.0f MB (db %.0f MB)", s.total() / 1e6, s.live() / 1e6, s.database() / 1e6);
    }

    private static String list(List<Double> values) {
        return String.join(", ", values.stream().map(v -> f("%.0f", v)).toList());
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(d -> d).average().orElse(Double.NaN);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
