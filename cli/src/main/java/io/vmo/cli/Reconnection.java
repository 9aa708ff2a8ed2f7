package io.vmo.cli;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Connects again when the daemon went away under a command that follows a job. A restart (an upgrade, `systemctl
 * --user restart vmo`, a crash and systemd's Restart=on-failure) takes a few seconds, its own PostgreSQL included,
 * and should cost the user nothing: the command says so on stderr, tries with back-off, and goes on where it was.
 */
final class Reconnection {

    /** How long a command waits for the daemon to come back before it gives up. */
    static final Duration PATIENCE = Duration.ofMinutes(2);

    /** The first pause: a daemon that only dropped this connection is back at once. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(100);

    /** Pauses double up to this: a restarting daemon is found within a second or two of listening again. */
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(2);

    /** How the command waits between tries (tests give one that only counts). */
    @FunctionalInterface
    interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Supplier<DaemonClient> connect;
    private final Console console;
    private final Duration patience;
    private final Pause pause;
    private final LongSupplier nanoTime;

    Reconnection(Supplier<DaemonClient> connect, Console console) {
        this(connect, console, PATIENCE, d -> Thread.sleep(d), System::nanoTime);
    }

    Reconnection(
            Supplier<DaemonClient> connect, Console console, Duration patience, Pause pause, LongSupplier nanoTime) {
        this.connect = connect;
        this.console = console;
        this.patience = patience;
        this.pause = pause;
        this.nanoTime = nanoTime;
    }

    /**
     * A new connection, after the last one was {@code lost}; {@code resume} tells the user how to go on by hand if
     * the daemon does not come back in time.
     */
    DaemonClient after(DaemonClient.ConnectionLost lost, String resume) {
        console.note(
                "lost the daemon (" + lost.getMessage() + "); reconnecting (for up to " + describe(patience) + ")");
        long deadline = nanoTime.getAsLong() + patience.toNanos();
        Duration wait = FIRST_PAUSE;
        while (true) {
            try {
                DaemonClient client = connect.get();
                console.note("reconnected to the daemon");
                return client;
            } catch (DaemonClient.Unreachable e) {
                if (nanoTime.getAsLong() + wait.toNanos() > deadline) {
                    throw new CliException(e.getMessage() + "; it has not come back for " + describe(patience)
                            + ": once it is back, " + resume);
                }
            }
            try {
                pause.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted while reconnecting to the daemon");
            }
            wait = wait.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : wait.multipliedBy(2);
        }
    }

    private static String describe(Duration duration) {
        return duration.toSeconds() >= 60 ? duration.toMinutes() + " min" : duration.toSeconds() + " s";
    }
}
