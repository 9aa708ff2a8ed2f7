package io.vmo.daemon.store;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the daemon's own PostgreSQL and starts it again when it dies — a SIGKILL, or a PANIC it does not
 * recover from by itself, e.g. on a full disk — with back-off while it keeps failing. Jobs run on meanwhile: the
 * event writer holds their output (within its memory bound) and retries until the server is back.
 */
final class PostgresSupervisor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresSupervisor.class);
    /** How often to look: a liveness check is a /proc read, and a quarter second is soon enough. */
    private static final Duration WATCH = Duration.ofMillis(250);

    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);

    private final EmbeddedPostgres server;
    private final StoreHealth health;
    private final Thread thread;
    private volatile boolean closed;

    /** Once it is back, {@code health} reports it, and the pool is renewed on that (Database#reconnect). */
    PostgresSupervisor(EmbeddedPostgres server, StoreHealth health) {
        this.server = server;
        this.health = health;
        this.thread =
                Thread.ofPlatform().name("vmo-postgres-supervisor").daemon().start(this::run);
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(WATCH);
            } catch (InterruptedException e) {
                return; // closed
            }
            if (closed || server.running()) {
                continue;
            }
            String reason = server.problem();
            health.serverDown(reason);
            log.error("{}; starting it again", reason);
            Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
            for (int attempt = 1; !closed; attempt++) {
                try {
                    server.restart();
                    health.serverUp();
                    log.info("the embedded PostgreSQL runs again (attempt {})", attempt);
                    break;
                } catch (RuntimeException e) { // a StoreException says why
                    health.serverDown(e.getMessage());
                    log.error(
                            "{}; trying again in {} ms",
                            e.getMessage(),
                            backoff.next().toMillis());
                    backoff.pause();
                }
            }
        }
    }

    /** Stops watching, before the server is stopped on purpose. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(70)); // a restart under way finishes first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
