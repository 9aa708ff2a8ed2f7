package io.vmo.bench;

import io.vmo.e2e.TestDaemon;
import io.vmo.protocol.LogStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase 3: {@code jobs} jobs at once, each writing {@code rate} bytes/s for {@code seconds} with a client of its own
 * joined. Each process reports what it wrote (count and SHA-256, computed by itself); the store must hold exactly
 * that, and each client must have received exactly what was stored (the text it decodes to, for a JSON client).
 */
final class Concurrent {

    /** One job: what the process says it wrote and over which interval of its own. */
    record JobResult(
            String id, long written, double seconds, double blockedSeconds, double cpuSeconds, List<String> problems) {
        double mbps() {
            return written / 1e6 / seconds;
        }
    }

    record Result(
            int jobs,
            int rate,
            double seconds,
            List<JobResult> results,
            double wallSeconds,
            double totalMBps,
            Machine.Cpu cpu,
            double worstLiveLagSeconds,
            double worstEndLagSeconds) {

        long lossless() {
            return results.stream().filter(r -> r.problems().isEmpty()).count();
        }

        List<String> problems() {
            return results.stream()
                    .flatMap(r -> r.problems().stream().map(p -> r.id() + ": " + p))
                    .toList();
        }

        double minMBps() {
            return results.stream().mapToDouble(JobResult::mbps).min().orElse(0);
        }

        double meanMBps() {
            return results.stream().mapToDouble(JobResult::mbps).average().orElse(0);
        }

        double medianMBps() {
            double[] rates =
                    results.stream().mapToDouble(JobResult::mbps).sorted().toArray();
            return rates.length == 0 ? 0 : rates[rates.length / 2];
        }

        double maxMBps() {
            return results.stream().mapToDouble(JobResult::mbps).max().orElse(0);
        }

        /** Share of the writers' time spent blocked in write(2) on a full pipe (the daemon not reading). */
        double blockedShare() {
            return results.stream().mapToDouble(JobResult::blockedSeconds).sum()
                    / results.stream().mapToDouble(JobResult::seconds).sum();
        }

        double writersCpuSeconds() {
            return results.stream().mapToDouble(JobResult::cpuSeconds).sum();
        }

        long totalBytes() {
            return results.stream().mapToLong(JobResult::written).sum();
        }
    }

    private final TestDaemon daemon;
    private final Path reports;
    private final Path pgData;
    private final Link.Kind client;

    Concurrent(TestDaemon daemon, Path reports, Path pgData, Link.Kind client) {
        this.daemon = daemon;
        this.reports = reports;
        this.pgData = pgData;
        this.client = client;
    }

    Result run(int jobs, int rate, double seconds, Connection db, long daemonPid) throws Exception {
        Files.createDirectories(reports);
        int block = 16 * 1024;
        Machine.Cpu before = Machine.Cpu.sample(daemonPid, pgData);
        long t0 = System.nanoTime();
        List<Watched> watched = new ArrayList<>();
        List<Path> reportFiles = new ArrayList<>();
        List<JobResult> results = new ArrayList<>();
        double worstLiveLag = 0;
        double worstEndLag = 0;
        Machine.Cpu cpu;
        double wall;
        try {
            for (int i = 0; i < jobs; i++) {
                Path report = reports.resolve("job-" + i + ".txt");
                reportFiles.add(report);
                watched.add(Watched.start(
                        client,
                        daemon,
                        "paced",
                        List.of("SECONDS=" + seconds, "RATE=" + rate, "BLOCK=" + block, "REPORT=" + report),
                        (log, at) -> {}));
            }
            List<Long> storedAt = new ArrayList<>();
            for (Watched w : watched) {
                w.awaitDone((long) seconds + 120);
            }
            for (Watched w : watched) {
                storedAt.add(StoredDigest.awaitEndStored(db, w.id(), 120));
            }
            long end = storedAt.stream().mapToLong(Long::longValue).max().orElseThrow();
            wall = (end - t0) / 1e9;
            cpu = Machine.Cpu.sample(daemonPid, pgData).minus(before);
            long firstStart = Long.MAX_VALUE;
            long lastEnd = 0;
            long total = 0;
            for (int i = 0; i < jobs; i++) {
                Watched w = watched.get(i);
                List<String> problems = new ArrayList<>();
                String[] f = Files.readString(reportFiles.get(i)).strip().split(" ");
                var wrote = Digest.Result.ofSha256(Long.parseLong(f[0]), f[1]);
                long start = Long.parseLong(f[2]);
                long stop = Long.parseLong(f[3]);
                firstStart = Math.min(firstStart, start);
                lastEnd = Math.max(lastEnd, stop);
                total += wrote.bytes();
                StoredDigest stored = StoredDigest.read(db, w.id());
                if (!"success".equals(stored.status())) {
                    problems.add("stored status " + stored.status());
                }
                Throughput.check(
                        problems, "stored stdout vs what the process wrote", stored.bytes(LogStream.STDOUT), wrote);
                Throughput.check(
                        problems,
                        "client stdout vs stored",
                        w.received(LogStream.STDOUT),
                        client.expected(stored, LogStream.STDOUT));
                for (LogStream other : List.of(LogStream.STDERR, LogStream.SYSTEM)) {
                    Throughput.check(problems, "stored " + other.wireName(), stored.bytes(other), Digest.Result.EMPTY);
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
                results.add(new JobResult(
                        w.id(),
                        wrote.bytes(),
                        (stop - start) / 1e9,
                        Double.parseDouble(f[4]),
                        Double.parseDouble(f[5]),
                        problems));
                // Wall clock: the writer's last write → the last log event at the client → job:done there.
                long doneEpoch = Watched.epochNanos() - (System.nanoTime() - w.doneNanoTime());
                worstLiveLag = Math.max(worstLiveLag, (w.lastLogAt() - stop) / 1e9);
                worstEndLag = Math.max(worstEndLag, (doneEpoch - w.lastLogAt()) / 1e9);
            }
            return new Result(
                    jobs,
                    rate,
                    seconds,
                    results,
                    wall,
                    total / 1e6 / ((lastEnd - firstStart) / 1e9),
                    cpu,
                    worstLiveLag,
                    worstEndLag);
        } finally {
            watched.forEach(Watched::close);
        }
    }
}
