package io.vmo.bench;

import io.vmo.e2e.TestDaemon;
import java.nio.file.Path;
import java.sql.Connection;

/**
 * Phase "fanout": one job writing a file (50 MB in the full run) with many light viewers (200) joined from seq 0
 * right after it started, and the same job with no viewer before and after it, in the same run: whether viewers
 * slow the job's own writing, whether every viewer gets every byte, how far behind the slowest one ends, and what
 * it costs the daemon in memory.
 */
final class Fanout {

    /** The job's writing time with viewers may exceed that with none by at most this share. */
    static final double SLOWDOWN_TARGET = 0.25;

    static final long RSS_TARGET_KB = 256 * 1024;

    record Result(Scenario.Result before, Scenario.Result watched, Scenario.Result after) {

        /** The job's writing time with no viewer: the mean of the run before and the run after. */
        double baselineSeconds() {
            return (before.writeSeconds() + after.writeSeconds()) / 2;
        }

        /** Writing time with the viewers / without − 1. */
        double slowdown() {
            return watched.writeSeconds() / baselineSeconds() - 1;
        }

        boolean pass() {
            return watched.clean()
                    && before.problems().isEmpty()
                    && after.problems().isEmpty()
                    && slowdown() <= SLOWDOWN_TARGET
                    && watched.peakOverIdleKb() <= RSS_TARGET_KB;
        }
    }

    private Fanout() {}

    static Result run(
            TestDaemon daemon, Connection db, Path file, Digest.Result source, int viewers, long idleRssKb, Path work) {
        double deadline = 300;
        // A daemon that has run for a while has compiled its delivery code for both cases, with viewers and
        // without: after one warm-up with the viewers, the measured runs still spent a third of the daemon's CPU
        // in the JIT (a third of a second of C2 during the 200-viewer job, recompiling what the run without
        // viewers had deoptimized; -Xlog:jit+compilation). So the whole sequence runs once first. Not reported.
        for (int round = 0; round < 2; round++) {
            Bench.progress("fanout: warming up, " + (round == 0 ? "with the " + viewers + " viewers" : "no viewer"));
            Scenario.run(
                    daemon,
                    db,
                    "warm-up",
                    file,
                    source,
                    round == 0 ? viewers : 0,
                    0,
                    work.resolve("fanout-warmup-" + round + ".times"),
                    idleRssKb,
                    deadline);
        }
        Bench.progress("fanout: the " + source.bytes() / 1_000_000 + " MB job with no viewer");
        Scenario.Result before = Scenario.run(
                daemon,
                db,
                "no viewer (before)",
                file,
                source,
                0,
                0,
                work.resolve("fanout-before.times"),
                idleRssKb,
                deadline);
        Bench.progress("fanout: the same job with " + viewers + " viewers");
        Scenario.Result watched = Scenario.run(
                daemon,
                db,
                viewers + " viewers",
                file,
                source,
                viewers,
                0,
                work.resolve("fanout.times"),
                idleRssKb,
                deadline);
        Bench.progress("fanout: the job with no viewer again");
        Scenario.Result after = Scenario.run(
                daemon,
                db,
                "no viewer (after)",
                file,
                source,
                0,
                0,
                work.resolve("fanout-after.times"),
                idleRssKb,
                deadline);
        return new Result(before, watched, after);
    }
}
