package io.vmo.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real terminal for the CLI: a tmux server of the test's own (its socket in the test's folder, no user config,
 * no status line, so a window of C x R gives the program exactly C x R). Keys go in with {@code send-keys}, the
 * screen comes out with {@code capture-pane}. Each session runs one command, then prints {@code EXIT=<code>}.
 */
final class Tmux implements AutoCloseable {

    private static final long WAIT_MILLIS = 30_000;

    private final Path socket;
    private final Path config;
    private final ProcessBuilder environment;

    /** {@code environment}: whose environment the server, and so every session, gets (a CLI ProcessBuilder). */
    Tmux(Path dir, ProcessBuilder environment) throws IOException {
        Files.createDirectories(dir);
        this.socket = dir.resolve("tmux.sock");
        this.config = dir.resolve("tmux.conf");
        Files.writeString(config, "set -g status off\nset -g history-limit 5000\n");
        this.environment = environment;
    }

    /** The tmux command line for this server, as a user would put it in VMO_TERMINAL. */
    String commandLine() {
        return "tmux -S " + socket + " -f " + config;
    }

    /** Starts {@code argv} in a new session of cols x rows. */
    void start(String session, int cols, int rows, List<String> argv) throws IOException, InterruptedException {
        String command = argv.stream().map(Tmux::quote).collect(Collectors.joining(" ")) + "; echo EXIT=$?; sleep 600";
        tmux("new-session", "-d", "-s", session, "-x", Integer.toString(cols), "-y", Integer.toString(rows), command);
    }

    /** Text typed literally. */
    void type(String session, String text) throws IOException, InterruptedException {
        tmux("send-keys", "-t", session, "-l", text);
    }

    /** Keys by tmux name: Enter, C-c, C-]… */
    void keys(String session, String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    void resize(String session, int cols, int rows) throws IOException, InterruptedException {
        tmux("resize-window", "-t", session, "-x", Integer.toString(cols), "-y", Integer.toString(rows));
    }

    /** The visible screen plus the scroll-back. */
    String screen(String session) throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-J", "-S", "-", "-t", session);
    }

    /** Waits until the screen contains {@code text}; returns the screen. */
    String await(String session, String text) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        String screen = screen(session);
        while (!screen.contains(text)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the terminal did not show \"" + text + "\" within " + WAIT_MILLIS
                        + " ms; it shows:\n" + screen);
            }
            Thread.sleep(100);
            screen = screen(session);
        }
        return screen;
    }

    /** Waits for the command's end and returns its exit code. */
    int awaitExit(String session) throws IOException, InterruptedException {
        String screen = await(session, "EXIT=");
        return Integer.parseInt(screen.replaceAll("(?s).*EXIT=(\\d+).*", "$1"));
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", config.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment.environment());
        builder.environment().remove("TMUX");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("tmux " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            tmux("kill-server");
        } catch (IllegalStateException alreadyGone) {
            // no session was started
        }
    }
}
