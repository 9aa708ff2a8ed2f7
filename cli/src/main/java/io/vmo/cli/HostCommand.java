package io.vmo.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A program of the system's (systemctl, launchctl, loginctl) run to its end, with what it printed. */
record HostCommand(List<String> argv, int exitCode, String out, String err) {

    /**
     * Runs {@code argv}, found on PATH; a program that is not there is a {@link CliException} saying what it is
     * needed for ({@code purpose}).
     */
    static HostCommand run(String purpose, String... argv) {
        Process process;
        try {
            process = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new CliException(argv[0] + " not found on PATH: " + purpose);
        }
        var err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        try {
            return new HostCommand(List.of(argv), process.waitFor(), out, err.join());
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while `" + String.join(" ", argv) + "` ran");
        }
    }

    /** {@code argv} run, failing with a {@link CliException} that says what it printed when it exits non-zero. */
    static HostCommand check(String purpose, String hint, String... argv) {
        HostCommand command = run(purpose, argv);
        if (command.exitCode() != 0) {
            throw command.failure(hint);
        }
        return command;
    }

    boolean succeeded() {
        return exitCode == 0;
    }

    CliException failure(String hint) {
        String said = (err.isBlank() ? out : err).strip();
        return new CliException("`" + String.join(" ", argv) + "` failed (exit " + exitCode + ")"
                + (said.isEmpty() ? "" : ": " + said) + (hint.isEmpty() ? "" : "; " + hint));
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
