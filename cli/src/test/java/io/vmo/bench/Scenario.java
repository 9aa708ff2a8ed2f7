package io.vmo.bench;

import io.vmo.cli.DaemonClient;
import io.vmo.e2e.TestDaemon;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One job ({@code make timed}: {@code cat FILE}, the recipe taking its own start and end times) with {@code n}
 * light {@link Viewer}s joined from seq 0 right after job:started, the daemon's RSS sampled throughout. Never
 * throws for what the daemon does: a dropped viewer, a job that does not end, a missing report all end up in
 * {@link Result#problems()}. Used by the viewers and fan-out phases.
 */
final class Scenario {

    /**
     * {@code writeSeconds}: the recipe's own {@code cat} (its first byte written to its last, from its report);
     * NaN when unknown. {@code endStoredSeconds}: execute-command → the job's end stored. {@code writeEndEpochNanos}:
     * when the job's last write ended. Viewer lags are measured from that.
     */
    record Result(
            String label,
            int viewers,
            double pauseSeconds,
            Digest.Result source,
            long idleRssKb,
            long startRssKb,
            long peakRssKb,
            int rssSamples,
            boolean hwmUsed,
            double writeSeconds,
            double endStoredSeconds,
            long writeEndEpochNanos,
            long storedEvents,
            String status,
            List<Viewer.Result> results,
            String viewerPriority,
            List<String> problems) {

        long exact() {
            return results.stream().filter(this::exact).count();
        }

        boolean exact(Viewer.Result r) {
            return r.done()
                    && r.problem() == null
                    && r.seqProblem() == null
                    && r.otherBytes() == 0
                    && r.lastSeq() == storedEvents
                    && r.stdout().matches(source);
        }

        long bytes() {
            return source.bytes();
        }

        long dropped() {
            return results.stream().filter(Viewer.Result::dropped).count();
        }

        /** Peak RSS during the scenario − the daemon's idle RSS after start-up. */
        long peakOverIdleKb() {
            return peakRssKb - idleRssKb;
        }

        /** The job's last write → a viewer's job:done, in seconds, for each viewer that got it (sorted). */
        double[] doneLagsSeconds() {
            return results.stream()
                    .filter(Viewer.Result::done)
                    .mapToDouble(r -> (r.doneEpochNanos() - writeEndEpochNanos) / 1e9)
                    .sorted()
                    .toArray();
        }

        double slowestLagSeconds() {
            double[] lags = doneLagsSeconds();
            return lags.length == 0 ? Double.NaN : lags[lags.length - 1];
        }

        double medianLagSeconds() {
            double[] lags = doneLagsSeconds();
            return lags.length == 0 ? Double.NaN : lags[lags.length / 2];
        }

        /** The largest receipt − event ts over every event of every viewer. */
        double maxEventLagSeconds() {
            return results.stream()
                            .mapToLong(Viewer.Result::maxEventLagNanos)
                            .max()
                            .orElse(0)
                    / 1e9;
        }

        /** Problems of the scenario, then those of the viewers (the first few of each kind). */
        List<String> allProblems() {
            List<String> all = new ArrayList<>(problems);
            results.stream()
                    .filter(r -> !exact(r))
                    .limit(8)
                    .forEach(r -> all.add(
                            "viewer " + r.index() + ": " + (r.problem() != null ? r.problem() : describeMismatch(r))));
            long more = results.stream().filter(r -> !exact(r)).count() - 8;
            if (more > 0) {
                all.add(more + " more viewers not byte-exact");
            }
            return all;
        }

        private String describeMismatch(Viewer.Result r) {
            List<String> p = new ArrayList<>();
            if (r.seqProblem() != null) {
                p.add(r.seqProblem());
            }
            if (r.lastSeq() != storedEvents) {
                p.add("last seq " + r.lastSeq() + ", the store holds " + storedEvents + " events");
            }
            if (r.stdout().bytes() != bytes()) {
                p.add(r.stdout().bytes() + " stdout bytes instead of " + bytes());
            }
            if (r.otherBytes() != 0) {
                p.add(r.otherBytes() + " bytes on other streams");
            }
            return p.isEmpty() ? "stdout differs from the file (" + r.stdout() + ")" : String.join("; ", p);
        }

        boolean clean() {
            return problems.isEmpty() && exact() == viewers;
        }
    }

    private Scenario() {}

    /**
     * Runs it. {@code source}: the file's digest (its CRC32C is what viewers are checked against). {@code
     * deadlineSeconds}: from execute-command; viewers still reading then are closed and reported as cut short.
     */
    static Result run(
            TestDaemon daemon,
            Connection db,
            String label,
            Path file,
            Digest.Result source,
            int viewers,
            double pauseSeconds,
            Path reportFile,
            long idleRssKb,
            double deadlineSeconds) {
        long pid = daemon.pid();
        List<String> problems = new ArrayList<>();
        List<Viewer> connected = new ArrayList<>();
        List<Viewer.Result> results = new ArrayList<>();
        gc(pid);
        try {
            Files.deleteIfExists(reportFile);
        } catch (Exception e) {
            problems.add("cannot remove the old report " + reportFile + ": " + e);
        }
        int connectFailures = 0;
        String connectProblem = null;
        // After the pause, a read that waits this long means the daemon has stopped sending.
        int readTimeout = (int) Math.min(Integer.MAX_VALUE, (long) (deadlineSeconds * 1000));
        for (int i = 0; i < viewers; i++) {
            try {
                connected.add(Viewer.connect(daemon, i, pauseSeconds, readTimeout));
            } catch (Exception e) {
                connectFailures++;
                connectProblem = String.valueOf(e);
            }
        }
        if (connectFailures > 0) {
            problems.add(connectFailures + " of " + viewers + " viewers could not connect: " + connectProblem);
        }
        // This JVM's JIT and GC threads work for the viewers, but also for the benchmark itself: in one run with no
        // viewer its C2 compiler took 0.16 s of CPU while the job wrote for 0.58 s. So they run at the viewers'
        // priority in every run, with viewers or without.
        List<Long> runtime = Nice.runtimeThreads();
        String runtimePriority = runtime.isEmpty() ? "" : Nice.set(runtime, Nice.VIEWERS);
        String viewerPriority = connected.isEmpty()
                ? "—"
                : Nice.set(connected.stream().map(Viewer::tid).toList(), Nice.VIEWERS)
                        + (runtime.isEmpty() ? "" : ", this JVM's JIT and GC threads " + runtimePriority);
        RssSampler rss = RssSampler.start(pid);
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (deadlineSeconds * 1e9);
        String jobId = null;
        String status = "?";
        long storedEvents = -1;
        double endStored = Double.NaN;
        try (DaemonClient control = daemon.connect()) {
            var started = control.call(
                    new Request.ExecuteCommand(
                            control.nextId(),
                            BenchProject.ALIAS,
                            "timed",
                            List.of("FILE=" + file, "REPORT=" + reportFile)),
                    Response.JobStarted.class);
            jobId = started.job().id();
            // Watched from now, beside the viewers: polled after them, it measured the slowest viewer instead.
            String id = jobId;
            long watchFor = Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L);
            CompletableFuture<Long> endStoredAt = CompletableFuture.supplyAsync(() -> {
                try {
                    return StoredDigest.awaitEndStored(db, id, reportFile, watchFor);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            for (Viewer v : connected) {
                v.follow(jobId);
            }
            for (Viewer v : connected) {
                long left = Math.max(1, deadline - System.nanoTime());
                try {
                    results.add(v.result().get(left, TimeUnit.NANOSECONDS));
                } catch (java.util.concurrent.TimeoutException e) {
                    v.abort();
                    try {
                        results.add(v.result().get(10, TimeUnit.SECONDS));
                    } catch (Exception again) {
                        problems.add("viewer " + v.index + " did not stop within 10 s of being closed");
                    }
                }
            }
            try {
                endStored = (endStoredAt.get() - t0) / 1e9;
            } catch (Exception e) {
                problems.add("the job's end was not stored within " + (long) deadlineSeconds + " s of its start");
            }
        } catch (Exception | AssertionError e) {
            problems.add("the job could not be run: " + e);
        } finally {
            rss.close();
            connected.forEach(Viewer::abort);
            Nice.set(runtime, 0); // for the phases that follow (needs privilege: the benchmark runs as root in CI)
        }
        if (results.size() < connected.size()) {
            problems.add((connected.size() - results.size()) + " viewers never reported");
        }
        if (jobId != null) {
            try (var s = db.prepareStatement("select j.status, (select count(*) from job_events e where e.job_id ="
                    + " j.id) from jobs j where j.id = ?")) {
                s.setObject(1, UUID.fromString(jobId));
                try (var r = s.executeQuery()) {
                    if (r.next()) {
                        status = r.getString(1);
                        storedEvents = r.getLong(2);
                    }
                }
            } catch (Exception e) {
                problems.add("cannot read the job's row: " + e);
            }
            if (!"success".equals(status) && Double.isFinite(endStored)) {
                problems.add("the job ended " + status);
            }
        }
        double writeSeconds = Double.NaN;
        long writeEnd = 0;
        try {
            String[] times = Files.readString(reportFile).strip().split(" ");
            writeSeconds = (Long.parseLong(times[1]) - Long.parseLong(times[0])) / 1e9;
            writeEnd = Long.parseLong(times[1]);
        } catch (Exception e) {
            problems.add("the job's own timing report is missing or unreadable: " + e);
        }
        return new Result(
                label,
                viewers,
                pauseSeconds,
                source,
                idleRssKb,
                rss.startKb(),
                rss.peakKb(),
                rss.samples(),
                rss.hwmUsed(),
                writeSeconds,
                endStored,
                writeEnd,
                storedEvents,
                status,
                results,
                viewerPriority,
                problems);
    }

    /** A full GC before each scenario (jcmd GC.run, twice), so one scenario's garbage is not the next one's RSS. */
    static void gc(long pid) {
        try {
            Machine.jcmd(pid, "GC.run");
            Thread.sleep(200);
            Machine.jcmd(pid, "GC.run");
            Thread.sleep(300);
        } catch (Exception e) {
            // measured without
        }
    }
}
