package io.vmo.daemon.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store accepts writes, as the parts that find out say: the event writer (its last write failed or
 * succeeded), the embedded server's supervisor (the server is down, or back), and a probe write when nobody has
 * written for a while. {@code /healthz} and every read that would otherwise wait on a dead store ask here first,
 * so a store outage is reported at once instead of after a connection timeout.
 */
public final class StoreHealth implements io.vmo.daemon.job.StoreStatus {

    private static final Logger log = LoggerFactory.getLogger(StoreHealth.class);
    /** A write this recent vouches for the store; older, and {@link #check} writes a probe row. */
    private static final Duration FRESH = Duration.ofSeconds(1);

    /** What {@link #check} uses to find out when nothing has been written lately. */
    @FunctionalInterface
    public interface Probe {
        void write() throws Exception;
    }

    /** The store's state: ok, or down with a problem a person can act on. */
    public record Status(boolean ok, String problem, Instant since) {
        static Status up(Instant now) {
            return new Status(true, null, now);
        }
    }

    private final Clock clock;
    private Probe probe = () -> {};
    private Runnable recovered = () -> {};
    private String serverProblem;
    private String writerProblem;
    private String probeProblem;
    private Instant lastGoodWrite = Instant.MIN;
    private Instant downSince;

    public StoreHealth(Clock clock) {
        this.clock = clock;
    }

    /** Set once the store exists (the health is created before it, so that starting can report too). */
    public synchronized void probeWith(Probe probe) {
        this.probe = probe;
    }

    /**
     * What to do each time the store comes back after it was down; runs on the thread that saw it come back (the
     * supervisor's, the writer's or a health check's), so it must not wait.
     */
    public synchronized void onRecovery(Runnable action) {
        this.recovered = action;
    }

    /** The state as last reported, without asking the store. */
    public synchronized Status status() {
        String problem = serverProblem != null ? serverProblem : writerProblem != null ? writerProblem : probeProblem;
        return problem == null ? Status.up(lastGoodWrite) : new Status(false, problem, downSince);
    }

    /** The problem, if the store is known to be down: for reads that must not wait on it. */
    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(status().problem());
    }

    /** The state, writing a probe row first if no write has vouched for the store within the last second. */
    public Status check() {
        Probe p;
        synchronized (this) {
            if (serverProblem != null
                    || writerProblem != null
                    || clock.instant().isBefore(lastGoodWrite.plus(FRESH))) {
                return status();
            }
            p = probe;
        }
        try {
            p.write();
            update(() -> {
                probeProblem = null;
                lastGoodWrite = clock.instant();
            });
        } catch (Exception e) {
            String problem = StoreProblem.describe(e);
            update(() -> probeProblem = problem);
        }
        return status();
    }

    void writeSucceeded() {
        update(() -> {
            writerProblem = null;
            probeProblem = null;
            lastGoodWrite = clock.instant();
        });
    }

    void writeFailed(Exception e) {
        String problem = StoreProblem.describe(e);
        update(() -> writerProblem = problem);
    }

    void serverDown(String reason) {
        update(() -> serverProblem = reason);
    }

    void serverUp() {
        update(() -> serverProblem = null);
    }

    /** Applies a change and logs when the store goes down or comes back. */
    private void update(Runnable change) {
        boolean wasOk;
        Status now;
        Runnable onRecovery;
        synchronized (this) {
            onRecovery = recovered;
            wasOk = status().ok();
            change.run();
            Status after = status();
            if (wasOk && !after.ok()) {
                downSince = clock.instant();
                after = status();
            }
            now = after;
        }
        if (wasOk && !now.ok()) {
            log.warn("the store is unavailable: {}", now.problem());
        } else if (!wasOk && now.ok()) {
            log.info("the store is available again");
            onRecovery.run();
        }
    }
}
