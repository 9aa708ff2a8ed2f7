package io.vmo.bench;

import io.vmo.e2e.TestDaemon;
import io.vmo.protocol.LogStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Phase 1: write-to-receipt latency of {@code jobs} concurrent jobs each writing {@code rate} bytes/s in
 * {@code lineSize}-byte lines. Each line carries the time the process took just before writing it; the reader
 * subtracts it from the time it took the line (same machine, same CLOCK_REALTIME). Measured through vmo (a
 * WebSocket client joined to each job) and, in the same run, straight from a pipe in this JVM.
 */
final class Latency {

    /**
     * {@code toDaemon} and {@code fromDaemon} split each line's latency at the event's {@code ts} (the daemon's clock
     * when it read the chunk; µs): process write → daemon read, and daemon read → client receipt. Null for the pipe.
     */
    record Result(
            String path, Stats stats, int expected, int received, String problem, Stats toDaemon, Stats fromDaemon) {}

    private final TestDaemon daemon;
    private final BenchProject project;
    private final int jobs;
    private final int rate;
    private final int lineSize;
    private final double seconds;

    Latency(TestDaemon daemon, BenchProject project, int jobs, int rate, int lineSize, double seconds) {
        this.daemon = daemon;
        this.project = project;
        this.jobs = jobs;
        this.rate = rate;
        this.lineSize = lineSize;
        this.seconds = seconds;
    }

    private static String f(String format, Object... args) {
        return String.format(java.util.Locale.ROOT, format, args);
    }

    int linesPerJob() {
        return (int) (seconds / ((double) lineSize / rate));
    }

    List<String> args(double delaySeconds) {
        return List.of("SECONDS=" + seconds, "RATE=" + rate, "SIZE=" + lineSize, "DELAY=" + delaySeconds);
    }

    /** Lines may arrive several to a chunk, or (in principle) split across chunks; each is timed on its own. */
    private static final class LineTimer {
        private final List<Long> sink;
        private final List<Long> toDaemon;
        private final List<Long> fromDaemon;
        private final StringBuilder partial = new StringBuilder();
        int lines;

        LineTimer(List<Long> sink, List<Long> toDaemon, List<Long> fromDaemon) {
            this.sink = sink;
            this.toDaemon = toDaemon;
            this.fromDaemon = fromDaemon;
        }

        void accept(String text, long receivedEpochNanos) {
            accept(text, receivedEpochNanos, -1);
        }

        void accept(String text, long receivedEpochNanos, long daemonEpochNanos) {
            partial.append(text);
            int start = 0;
            int newline;
            while ((newline = partial.indexOf("\n", start)) >= 0) {
                String line = partial.substring(start, newline);
                int a = line.indexOf(' ');
                int b = line.indexOf(' ', a + 1);
                long written = Long.parseLong(line.substring(a + 1, b));
                sink.add(receivedEpochNanos - written);
                if (daemonEpochNanos >= 0) {
                    toDaemon.add(daemonEpochNanos - written);
                    fromDaemon.add(receivedEpochNanos - daemonEpochNanos);
                }
                lines++;
                start = newline + 1;
            }
            partial.delete(0, start);
        }
    }

    Result throughVmo() throws Exception {
        return throughVmo(Link.Kind.CLI);
    }

    Result throughVmo(Link.Kind kind) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<Long> toDaemon = Collections.synchronizedList(new ArrayList<>());
        List<Long> fromDaemon = Collections.synchronizedList(new ArrayList<>());
        List<Watched> watched = new ArrayList<>();
        List<LineTimer> timers = new ArrayList<>();
        String problem = null;
        try {
            for (int i = 0; i < jobs; i++) {
                LineTimer timer = new LineTimer(latencies, toDaemon, fromDaemon);
                timers.add(timer);
                // A second's delay before the first line: the client has joined, so every line takes the live path.
                watched.add(Watched.start(kind, daemon, "lines", args(1.0), (log, at) -> {
                    if (log.stream() == LogStream.STDOUT) {
                        timer.accept(
                                log.chunk(),
                                at,
                                log.ts().getEpochSecond() * 1_000_000_000L
                                        + log.ts().getNano());
                    }
                }));
            }
            for (Watched w : watched) {
                var done = w.awaitDone((long) seconds + 60);
                if (done.exitCode() == null || done.exitCode() != 0) {
                    problem = "job " + w.id() + " ended " + done.status().wireName();
                }
                if (w.seqProblem() != null) {
                    problem = "job " + w.id() + ": " + w.seqProblem();
                }
            }
        } finally {
            watched.forEach(Watched::close);
        }
        int received = timers.stream().mapToInt(t -> t.lines).sum();
        return new Result(
                f("vmo, %.0f s, client: %s", seconds, kind.description),
                Stats.of(latencies),
                jobs * linesPerJob(),
                received,
                problem,
                Stats.of(toDaemon),
                Stats.of(fromDaemon));
    }

    Result throughPipe() throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<Process> processes = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        List<LineTimer> timers = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            Process p = new ProcessBuilder(project.argv("lines", args(1.0)))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.getOutputStream().close();
            processes.add(p);
            LineTimer timer = new LineTimer(latencies, null, null);
            timers.add(timer);
            readers.add(Thread.ofPlatform().daemon().start(() -> {
                byte[] buf = new byte[32 * 1024];
                try (InputStream in = p.getInputStream()) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        long at = Watched.epochNanos();
                        timer.accept(new String(buf, 0, n, StandardCharsets.UTF_8), at);
                    }
                } catch (java.io.IOException e) {
                    // reported as missing lines
                }
            }));
        }
        String problem = null;
        for (int i = 0; i < jobs; i++) {
            if (processes.get(i).waitFor() != 0) {
                problem = "a pipe run exited " + processes.get(i).exitValue();
            }
            readers.get(i).join();
        }
        int received = timers.stream().mapToInt(t -> t.lines).sum();
        return new Result(
                f("raw pipe, %.0f s (same argv, read by this JVM)", seconds),
                Stats.of(latencies),
                jobs * linesPerJob(),
                received,
                problem,
                null,
                null);
    }
}
