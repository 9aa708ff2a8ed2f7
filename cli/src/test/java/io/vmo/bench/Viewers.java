package io.vmo.bench;

import io.vmo.e2e.TestDaemon;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase "viewers": the daemon's memory while one job floods a file (500 MB in the full run) to viewers that keep
 * up and to viewers that do not: one that reads as fast as it can; one that reads nothing for 30 s after joining,
 * then everything; ten of those. Each viewer must get every byte (against the file's CRC32C), every seq once and
 * in order, and job:done; none may be dropped.
 */
final class Viewers {

    /** Each scenario's peak RSS may exceed the idle RSS by at most this. */
    static final long RSS_TARGET_KB = 128 * 1024;

    record Result(List<Scenario.Result> scenarios) {}

    private Viewers() {}

    static Result run(
            TestDaemon daemon,
            Connection db,
            Path file,
            Digest.Result source,
            double pauseSeconds,
            int stalledViewers,
            long idleRssKb,
            Path work) {
        double deadline = pauseSeconds + 180;
        List<Scenario.Result> scenarios = new ArrayList<>();
        Bench.progress("viewers: " + source.bytes() / 1_000_000 + " MB flood, one viewer reading as it comes");
        scenarios.add(Scenario.run(
                daemon,
                db,
                "one viewer that keeps up",
                file,
                source,
                1,
                0,
                work.resolve("viewers-fast.times"),
                idleRssKb,
                deadline));
        Bench.progress("viewers: the same, one viewer reading nothing for " + pauseSeconds + " s");
        scenarios.add(Scenario.run(
                daemon,
                db,
                String.format(java.util.Locale.ROOT, "one viewer that reads nothing for %.0f s", pauseSeconds),
                file,
                source,
                1,
                pauseSeconds,
                work.resolve("viewers-stalled.times"),
                idleRssKb,
                deadline));
        Bench.progress("viewers: the same, " + stalledViewers + " viewers reading nothing for " + pauseSeconds + " s");
        scenarios.add(Scenario.run(
                daemon,
                db,
                String.format(
                        java.util.Locale.ROOT, "%d viewers that read nothing for %.0f s", stalledViewers, pauseSeconds),
                file,
                source,
                stalledViewers,
                pauseSeconds,
                work.resolve("viewers-stalled-n.times"),
                idleRssKb,
                deadline));
        return new Result(scenarios);
    }

    static boolean pass(Scenario.Result s) {
        return s.clean() && s.peakOverIdleKb() <= RSS_TARGET_KB;
    }
}
