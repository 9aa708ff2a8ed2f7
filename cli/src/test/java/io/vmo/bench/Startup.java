package io.vmo.bench;

import io.vmo.e2e.TestDaemon;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How fast {@code vmo} answers: wall time of whole client commands through the real launcher against the warm
 * daemon, beside a JVM "hello" measured in the same run (issue 13's figures).
 */
final class Startup {

    /** A command and its target: the median of its runs must be at most this. */
    record Command(String label, List<String> args, double targetMs) {}

    static final List<Command> COMMANDS = List.of(
            new Command("vmo --help", List.of("--help"), 100),
            new Command("vmo jobs -n 20", List.of("jobs", "-n", "20"), 150),
            new Command("vmo run " + BenchProject.ALIAS + " quick", List.of("run", BenchProject.ALIAS, "quick"), 250),
            // What <TAB> after `vmo run bench ` runs: the completion script's call for a project's targets.
            new Command(
                    "completion: vmo run " + BenchProject.ALIAS + " ⇥",
                    List.of("__complete", "TARGET", BenchProject.ALIAS),
                    200));
    static final long RSS_TARGET_KB = 64 * 1024;

    /** One command's runs, in milliseconds. */
    record Timing(String label, double targetMs, Stats ms) {
        boolean pass() {
            return ms.p50() <= targetMs * 1e6;
        }
    }

    record Result(Stats helloMs, List<Timing> commands, long jobsPeakRssKb, int runs) {
        boolean pass() {
            return commands.stream().allMatch(Timing::pass) && jobsPeakRssKb <= RSS_TARGET_KB;
        }
    }

    private Startup() {}

    static Result run(TestDaemon daemon, int runs) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String benchClasses = Path.of(Hello.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        Stats hello = time(
                runs,
                () -> new ProcessBuilder(
                        java.toString(),
                        "-XX:+UseSerialGC",
                        "-Xshare:auto",
                        "-cp",
                        benchClasses,
                        Hello.class.getName()));
        List<Timing> timings = new ArrayList<>();
        for (Command command : COMMANDS) {
            daemon.run(command.args().toArray(String[]::new)); // once, unmeasured: the daemon's side warm too
            timings.add(new Timing(
                    command.label(),
                    command.targetMs(),
                    time(runs, () -> daemon.cli(command.args().toArray(String[]::new)))));
        }
        return new Result(hello, timings, peakRssKb(daemon, List.of("jobs", "-n", "20")), runs);
    }

    /** Each run to its end; the output is read and thrown away (as a terminal would take it). */
    private static Stats time(int runs, java.util.function.Supplier<ProcessBuilder> command) throws Exception {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ProcessBuilder builder = command.get()
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            long start = System.nanoTime();
            Process p = builder.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", builder.command()) + " took over 60 s");
            }
            long took = System.nanoTime() - start;
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", builder.command()) + " exited " + p.exitValue());
            }
            nanos.add(took);
        }
        return Stats.of(nanos);
    }

    /**
     * The client JVM's peak RSS: its VmHWM (the kernel's high-water mark of the resident set), read until it exits.
     * The launcher execs the JVM, so the process started is the JVM.
     */
    private static long peakRssKb(TestDaemon daemon, List<String> args) throws Exception {
        Process p = daemon.cli(args.toArray(String[]::new))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long peak = 0;
        while (p.isAlive()) {
            peak = Math.max(peak, Machine.statusKb(p.pid(), "VmHWM"));
            Thread.sleep(2);
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("vmo " + String.join(" ", args) + " exited " + p.exitValue());
        }
        return peak;
    }

    /** The baseline: a JVM that prints one line. */
    static final class Hello {
        public static void main(String[] args) {
            System.out.println("hello");
        }
    }
}
