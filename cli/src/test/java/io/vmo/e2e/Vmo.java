package io.vmo.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the real launcher, {@code bin/vmo}, as a user would, in a home directory of the test's own. */
public final class Vmo {

    /** The launcher under test, bin/vmo of this checkout unless the build says otherwise. */
    static final Path LAUNCHER =
            Path.of(System.getProperty("vmo.launcher", "../bin/vmo")).toAbsolutePath();

    private Vmo() {}

    /** The launcher's command line with these arguments, e.g. for a terminal to run. */
    static List<String> argv(String... args) {
        List<String> argv = new ArrayList<>(List.of(LAUNCHER.toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    public static ProcessBuilder command(Path home, Map<String, String> extraEnv, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(args);
        return isolated(new ProcessBuilder(command), home, extraEnv);
    }

    /** The command, with none of the caller's VMO_* and XDG_* settings and {@code home} as its HOME. */
    public static ProcessBuilder isolated(ProcessBuilder builder, Path home, Map<String, String> extraEnv) {
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("VMO_") || k.startsWith("XDG_"));
        env.put("HOME", home.toString());
        env.putAll(extraEnv);
        return builder;
    }

    /** What a finished CLI run left behind. */
    public record Result(int exitCode, byte[] stdout, byte[] stderr) {

        public String out() {
            return new String(stdout, java.nio.charset.StandardCharsets.UTF_8);
        }

        public String err() {
            return new String(stderr, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + abbreviate(out()) + "\n--- stderr\n" + abbreviate(err());
        }

        private static String abbreviate(String s) {
            return s.length() > 2000 ? s.substring(0, 2000) + "… (" + s.length() + " chars)" : s;
        }
    }

    /** Runs to the end and collects both streams (read concurrently, so a large output cannot block the child). */
    public static Result run(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.start();
        process.getOutputStream().close();
        var stderr = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] stdout = process.getInputStream().readAllBytes();
        int exit = process.waitFor();
        return new Result(exit, stdout, stderr.join());
    }

    /**
     * As {@link #run(ProcessBuilder)}, but a run that has not ended after {@code timeout} is killed and reported as
     * an {@link AssertionError} with what it had printed.
     */
    public static Result run(ProcessBuilder builder, java.time.Duration timeout)
            throws IOException, InterruptedException {
        Process process = builder.start();
        process.getOutputStream().close();
        var stdout = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        var stderr = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor();
            throw new AssertionError(String.join(" ", builder.command()) + " did not end within " + timeout
                    + " (killed)\n" + new Result(-1, stdout.join(), stderr.join()));
        }
        return new Result(process.exitValue(), stdout.join(), stderr.join());
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
