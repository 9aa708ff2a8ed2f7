package io.vmo.bench;

import io.vmo.cli.DaemonClient;
import io.vmo.e2e.TestDaemon;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Phase 4: what a running job costs the daemon. Heap in use after a full GC (jcmd), RSS and thread count from
 * /proc, with no job running and then with {@code n} idle jobs (a line, then sleep); then again with a WebSocket
 * client joined to each. The class histogram difference shows where the per-job heap goes.
 */
final class Memory {

    record Snapshot(
            long heapKb, long rssKb, long threads, Map<String, long[]> histogram, Map<String, Integer> threadNames) {}

    /** A class's share of the growth: instances and bytes per job. */
    record Growth(String className, double instancesPerJob, double bytesPerJob) {}

    record Result(int jobs, Snapshot idle, Snapshot running, Snapshot watched, List<Growth> top) {

        /** JVM threads by name that grew with the jobs: name to threads per job. */
        Map<String, Double> threadGrowth() {
            Map<String, Double> growth = new java.util.TreeMap<>();
            running.threadNames().forEach((name, count) -> {
                int before = idle.threadNames().getOrDefault(name, 0);
                if (count != before) {
                    growth.put(name, (double) (count - before) / jobs);
                }
            });
            return growth;
        }

        double heapPerJobKb() {
            return (double) (running.heapKb - idle.heapKb) / jobs;
        }

        double rssPerJobKb() {
            return (double) (running.rssKb - idle.rssKb) / jobs;
        }

        double threadsPerJob() {
            return (double) (running.threads - idle.threads) / jobs;
        }

        double heapPerWatchedJobKb() {
            return (double) (watched.heapKb - idle.heapKb) / jobs;
        }
    }

    private final TestDaemon daemon;

    Memory(TestDaemon daemon) {
        this.daemon = daemon;
    }

    private static Snapshot snapshot(long pid) throws Exception {
        Map<String, long[]> histogram = Machine.histogram(pid);
        long heap = Machine.heapUsedAfterGcKb(pid);
        return new Snapshot(
                heap, Machine.statusKb(pid, "VmRSS"), Machine.threads(pid), histogram, Machine.threadNames(pid));
    }

    Result run(int n) throws Exception {
        long pid = daemon.pid();
        Snapshot idle = snapshot(pid);
        List<DaemonClient> watchers = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try (DaemonClient control = daemon.connect()) {
            try {
                for (int i = 0; i < n; i++) {
                    var started = control.call(
                            new Request.ExecuteCommand(
                                    control.nextId(), BenchProject.ALIAS, "idle", List.of("SECONDS=300")),
                            Response.JobStarted.class);
                    ids.add(started.job().id());
                }
                awaitStarted(control, ids);
                Snapshot running = snapshot(pid);
                for (String id : ids) {
                    DaemonClient watcher = daemon.connect();
                    watchers.add(watcher);
                    watcher.call(new Request.JoinJob(watcher.nextId(), id, 0), Response.JobJoined.class);
                }
                Thread.sleep(500);
                Snapshot watched = snapshot(pid);
                return new Result(n, idle, running, watched, growth(idle, running, n));
            } finally {
                for (String id : ids) {
                    control.send(new Request.CancelJob(control.nextId(), id));
                }
                // Each cancel is answered with the job's end; wait for them all, but not forever.
                Thread replies = Thread.ofVirtual().start(() -> {
                    for (int ended = 0; ended < ids.size(); ) {
                        if (control.next() instanceof Response.JobDone d && d.id() != null) {
                            ended++;
                        }
                    }
                });
                if (!replies.join(java.time.Duration.ofSeconds(60))) {
                    Bench.progress("memory: not every idle job confirmed its cancel within 60 s; going on");
                }
                watchers.forEach(DaemonClient::close);
            }
        }
    }

    /** Waits until every job has produced its first line (so both of its pumps have run). */
    private static void awaitStarted(DaemonClient control, List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            var list = control.call(
                    new Request.ListJobs(control.nextId(), Math.min(1000, ids.size() + 10)), Response.JobList.class);
            long ready = list.jobs().stream()
                    .filter(j -> ids.contains(j.id()))
                    .mapToLong(JobInfo::lastSeq)
                    .filter(seq -> seq >= 1)
                    .count();
            if (ready == ids.size()) {
                Thread.sleep(500);
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the idle jobs did not all print their first line within 30 s");
    }

    private static List<Growth> growth(Snapshot before, Snapshot after, int n) {
        Map<String, long[]> delta = new HashMap<>();
        after.histogram().forEach((cls, v) -> {
            long[] b = before.histogram().getOrDefault(cls, new long[2]);
            delta.put(cls, new long[] {v[0] - b[0], v[1] - b[1]});
        });
        return delta.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1])
                        .reversed())
                .limit(12)
                .map(e -> new Growth(e.getKey(), (double) e.getValue()[0] / n, (double) e.getValue()[1] / n))
                .toList();
    }
}
