package io.vmo.bench;

import io.vmo.daemon.store.EmbeddedPostgres;
import io.vmo.e2e.TestDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code make bench}: measures a real daemon ({@code bin/vmo daemon}) against a real PostgreSQL and writes the
 * report, with how to reproduce it, to docs/benchmarks.md. Not a test: nothing here runs in {@code make test}.
 *
 * <p>Options: {@code --out FILE} (default docs/benchmarks.md), {@code --quick} (a short smoke run, for checking
 * the benchmark itself; its figures are not comparable), {@code --only
 * latency,throughput,concurrency,memory,viewers,fanout,cli,retention}. A phase that cannot complete is reported as a FAIL with the
 * reason (and makes the exit status 1); it never stops the others or the report.
 */
public final class Bench {

    /** The run's sizes; the defaults keep the whole run (build excluded) at 3–4 minutes on 2 cores. */
    record Plan(
            int latencyJobs,
            int latencyRate,
            int lineSize,
            double latencySeconds,
            double baselineSeconds,
            long floodBytes,
            long warmupBytes,
            int warmupFloods,
            int concurrentJobs,
            int concurrentRate,
            double concurrentSeconds,
            int idleJobs,
            double viewersPauseSeconds,
            int stalledViewers,
            int fanoutViewers,
            long fanoutBytes,
            int startupRuns) {

        static final Plan FULL = new Plan(
                5,
                1000,
                100,
                30,
                20,
                500_000_000L,
                32_000_000L,
                60,
                50,
                1_000_000,
                15,
                100,
                30,
                10,
                200,
                50_000_000L,
                21);
        static final Plan QUICK = new Plan(
                5, 1000, 100, 5, 5, 64_000_000L, 16_000_000L, 2, 10, 1_000_000, 5, 20, 5, 10, 20, 16_000_000L, 5);
    }

    static final List<String> PHASES =
            List.of("latency", "throughput", "concurrency", "memory", "viewers", "fanout", "cli", "retention");

    private Bench() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of("docs/benchmarks.md");
        Plan plan = Plan.FULL;
        Set<String> only = new HashSet<>(PHASES);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--quick" -> plan = Plan.QUICK;
                case "--only" -> only = new HashSet<>(List.of(args[++i].split(",")));
                default -> {
                    System.err.println("usage: Bench [--out FILE] [--quick] [--only " + String.join(",", PHASES) + "]");
                    System.exit(2);
                }
            }
        }
        if (!PHASES.containsAll(only)) {
            System.err.println("--only takes some of " + PHASES);
            System.exit(2);
        }
        System.exit(new Bench.Run(plan, plan == Plan.QUICK, only).execute(out));
    }

    static void progress(String message) {
        System.out.println("[bench " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + message);
        System.out.flush();
    }

    /** One benchmark run: sets everything up, runs the phases, writes the report. */
    private static final class Run {

        private final Plan plan;
        private final Report report;
        private final List<String> errors = new ArrayList<>();
        /** Why a phase did not complete, by its --only name. */
        private final java.util.Map<String, String> failures = new java.util.HashMap<>();

        private final Set<String> only;

        Run(Plan plan, boolean quick, Set<String> only) {
            this.plan = plan;
            this.only = only;
            this.report = new Report(plan, quick || !only.containsAll(PHASES), only);
        }

        int execute(Path out) throws Exception {
            long started = System.nanoTime();
            report.loadBefore = Machine.procField("loadavg", "");
            Path work = Files.createTempDirectory("vmo-bench");
            try {
                runIn(work);
            } finally {
                deleteTree(work);
            }
            report.loadAfter = Machine.procField("loadavg", "");
            report.totalSeconds = (System.nanoTime() - started) / 1e9;
            report.errors = errors;
            report.failures = failures;
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report.markdown());
            progress("wrote " + out.toAbsolutePath() + " (" + String.format(Locale.ROOT, "%.0f", report.totalSeconds)
                    + " s)");
            System.out.println();
            System.out.println(report.summary());
            return errors.isEmpty() ? 0 : 1;
        }

        @SuppressWarnings("try") // TestDaemon.close() may throw InterruptedException; this method throws Exception
        private void runIn(Path work) throws Exception {
            progress("starting PostgreSQL");
            Path pgData = work.resolve("pg/data");
            try (EmbeddedPostgres pg = EmbeddedPostgres.start(pgData);
                    // prepareThreshold=-1: bytea comes back in binary, not hex text (4× less to parse when checking)
                    Connection db = DriverManager.getConnection(pg.jdbcUrl() + "&prepareThreshold=-1")) {
                report.postgres = query(db, "select version()");
                BenchProject project = BenchProject.create(work.resolve("project"));
                report.python = Machine.runOr("?", project.python, "--version");
                progress("starting the daemon (bin/vmo daemon)");
                try (TestDaemon daemon = TestDaemon.start(work.resolve("home"), pg.jdbcUrl())) {
                    daemon.register(BenchProject.ALIAS, project.dir);
                    long pid = daemon.pid();
                    Thread.sleep(1000); // start-up done (it listens); let it settle
                    report.idleRssKb = Machine.statusKb(pid, "VmRSS");
                    progress("daemon idle RSS after start-up: " + report.idleRssKb / 1024 + " MB");
                    report.jdk = Machine.jcmd(pid, "VM.version")
                            .lines()
                            .skip(1)
                            .findFirst()
                            .orElse("?")
                            .strip();
                    report.daemonFlags = Machine.jcmd(pid, "VM.flags")
                            .lines()
                            .skip(1)
                            .findFirst()
                            .orElse("?")
                            .strip();
                    try {
                        phases(work, project, pgData, pg.jdbcUrl(), db, daemon);
                    } finally {
                        if (!errors.isEmpty()) {
                            String log = daemon.log();
                            System.err.println("--- daemon log (last 4000 chars)\n"
                                    + log.substring(Math.max(0, log.length() - 4000)));
                        }
                    }
                }
            }
        }

        private void phases(
                Path work, BenchProject project, Path pgData, String jdbcUrl, Connection db, TestDaemon daemon)
                throws Exception {
            long pid = daemon.pid();
            progress("preparing " + plan.floodBytes() / 1_000_000 + " MB of log-like text for the throughput run");
            Path flood = work.resolve("flood.log");
            Digest.Result source = only.contains("throughput") || only.contains("viewers")
                    ? BenchProject.generateLog(flood, plan.floodBytes())
                    : null;
            Path warm = work.resolve("warmup.log");
            BenchProject.generateLog(warm, plan.warmupBytes());

            progress("warming up the daemon's JIT (" + plan.warmupFloods() + " jobs of "
                    + plan.warmupBytes() / 1_000_000 + " MB, short paced jobs)");
            phase("warm-up", null, () -> {
                // C2 compiles a method after some 15,000 calls, and a flood is read in 64 KB chunks: with twenty
                // 32 MB jobs (~10,000 chunks) C2 still compiled the per-chunk path (RunningJob.emit, the event
                // writer, pgjdbc's bind) during the measured run and took 40% of the daemon's CPU (perf, JFR). Sixty
                // make ~30,000 chunks, as a daemon that has run for a while.
                for (int i = 0; i < plan.warmupFloods(); i++) {
                    try (Watched w = Watched.start(daemon, "flood", List.of("FILE=" + warm), (log, at) -> {})) {
                        w.awaitDone(300);
                    }
                }
                var warmLines =
                        new Latency(daemon, project, plan.latencyJobs(), plan.latencyRate() * 4, plan.lineSize(), 3);
                warmLines.throughVmo(Link.Kind.CLI);
                warmLines.throughVmo(Link.Kind.WIRE);
                return null;
            });
            report.warmRssKb = Machine.statusKb(pid, "VmRSS");

            // Latency first, on a daemon that is warm but not still digesting an earlier phase: run after the
            // fan-out (200 MB stored, 10 GB sent), the CLI's client measured p99 5.2-6.3 ms while PostgreSQL wrote
            // it out, the minimal client after it 3.2-4.8 and the raw pipe 2.1-2.5; run first, 3.5. The warm-up's
            // own writes are checkpointed before it starts.
            if (only.contains("latency")) {
                try (var checkpoint = db.createStatement()) {
                    checkpoint.execute("CHECKPOINT");
                }
                var latency = new Latency(
                        daemon,
                        project,
                        plan.latencyJobs(),
                        plan.latencyRate(),
                        plan.lineSize(),
                        plan.latencySeconds());
                var baseline = new Latency(
                        daemon,
                        project,
                        plan.latencyJobs(),
                        plan.latencyRate(),
                        plan.lineSize(),
                        plan.baselineSeconds());
                progress("latency: " + plan.latencyJobs() + " jobs × " + plan.latencyRate() + " B/s for "
                        + plan.latencySeconds() + " s, through vmo to the CLI's client");
                report.latencyVmo = phase("latency through vmo", "latency", () -> latency.throughVmo(Link.Kind.CLI));
                progress("latency: the same for " + plan.baselineSeconds() + " s to a minimal WebSocket client");
                report.latencyWire = phase(
                        "latency through vmo to a minimal client",
                        "latency",
                        () -> baseline.throughVmo(Link.Kind.WIRE));
                progress("latency: the same for " + plan.baselineSeconds() + " s from a raw pipe");
                report.latencyPipe = phase("latency through a pipe", "latency", baseline::throughPipe);
            }
            // The phases judged on the daemon's RSS against its idle RSS come first, before the throughput phase
            // (which today leaves the daemon's heap grown by its slow client's queue).
            if (only.contains("viewers")) {
                report.viewers = phase(
                        "viewers",
                        "viewers",
                        () -> Viewers.run(
                                daemon,
                                db,
                                flood,
                                source,
                                plan.viewersPauseSeconds(),
                                plan.stalledViewers(),
                                report.idleRssKb,
                                work));
            }
            if (only.contains("fanout")) {
                progress("preparing " + plan.fanoutBytes() / 1_000_000 + " MB of log-like text for the fan-out run");
                Path fanoutFile = work.resolve("fanout.log");
                report.fanout = phase(
                        "fanout",
                        "fanout",
                        () -> Fanout.run(
                                daemon,
                                db,
                                fanoutFile,
                                BenchProject.generateLog(fanoutFile, plan.fanoutBytes()),
                                plan.fanoutViewers(),
                                report.idleRssKb,
                                work));
                Files.deleteIfExists(fanoutFile);
            }

            if (only.contains("throughput")) {
                progress("throughput: one job writing " + plan.floodBytes() / 1_000_000 + " MB (and the raw pipe)");
                report.throughput = phase(
                        "throughput",
                        "throughput",
                        () -> new Throughput(daemon, project, pgData, jdbcUrl, Link.Kind.CLI)
                                .run(flood, source, db, pid));
            }
            Files.deleteIfExists(flood);
            if (only.contains("concurrency")) {
                for (Link.Kind kind : Link.Kind.values()) {
                    progress("concurrency: " + plan.concurrentJobs() + " jobs × " + plan.concurrentRate() / 1_000_000
                            + " MB/s for " + plan.concurrentSeconds() + " s, each with a client: " + kind.description);
                    Concurrent.Result result = phase(
                            "concurrency (" + kind.description + ")",
                            kind == Link.Kind.CLI ? "concurrency" : null,
                            () -> new Concurrent(daemon, work.resolve("reports-" + kind), pgData, kind)
                                    .run(
                                            plan.concurrentJobs(),
                                            plan.concurrentRate(),
                                            plan.concurrentSeconds(),
                                            db,
                                            pid));
                    if (kind == Link.Kind.CLI) {
                        report.concurrent = result;
                    } else {
                        report.concurrentWire = result;
                    }
                }
            }
            if (only.contains("memory")) {
                progress("memory: 0 jobs, then " + plan.idleJobs() + " idle running jobs");
                report.memory = phase("memory", "memory", () -> new Memory(daemon).run(plan.idleJobs()));
            }
            if (only.contains("cli")) {
                progress("cli: " + plan.startupRuns() + " runs of each client command, and of a JVM hello");
                report.startup = phase("cli", "cli", () -> Startup.run(daemon, plan.startupRuns()));
            }
            // Last: it leaves gigabytes written and deleted behind it, which would weigh on every phase after it.
            if (only.contains("retention")) {
                boolean quick = plan == Plan.QUICK;
                progress("retention: deleting " + (quick ? "64 MB" : "1 GB") + " of old output while floods run");
                report.retention = phase(
                        "retention",
                        "retention",
                        () -> new RetentionBench(
                                        daemon,
                                        db,
                                        work.resolve("retention-flood.log"),
                                        quick ? 16_000_000L : 100_000_000L,
                                        quick ? 64_000_000L : 1_000_000_000L,
                                        quick ? 90 : 300)
                                .run(quick ? 3 : 5));
            }
        }

        /**
         * Runs a phase; if it throws, the reason is kept for the report (a FAIL on the target row of {@code target},
         * when given) and the run goes on.
         */
        private <T> T phase(String name, String target, Callable<T> body) {
            try {
                return body.call();
            } catch (Exception | AssertionError e) {
                errors.add(name + ": " + e);
                if (target != null) {
                    failures.merge(target, name + " did not complete: " + e, (a, b) -> a + "; " + b);
                }
                System.err.println("bench: " + name + " failed:");
                e.printStackTrace();
                return null;
            }
        }

        private static String query(Connection db, String sql) throws Exception {
            try (var s = db.createStatement();
                    var rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            }
        }

        private static void deleteTree(Path dir) throws IOException {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        // left in the temp dir
                    }
                });
            }
        }
    }
}
