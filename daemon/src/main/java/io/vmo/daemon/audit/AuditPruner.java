package io.vmo.daemon.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's own retention: once a day (and a minute after start), the rows recorded more than
 * {@code audit.retention_days} ago (config.yml, default 365) are pruned. Only that setting — the daemon user's own
 * file — prunes: there is no request for it. Pruning removes a prefix of the chain and leaves an anchor — the
 * last pruned row's seq and MAC, in the head row — from which the remaining rows verify; the pruning itself is a
 * row of the trail ({@link #ACTION}, subject {@code through seq N}, the anchor's MAC and the setting in its detail),
 * written in the same transaction, so an anchor moved through SQL is told from a real prune.
 */
public final class AuditPruner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuditPruner.class);

    public static final String ACTION = "audit.prune";
    static final Duration FIRST = Duration.ofMinutes(1);
    static final Duration EVERY = Duration.ofDays(1);

    private final AuditWriter writer;
    private final IntSupplier retentionDays;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("vmo-audit-pruner").factory());

    /** {@code retentionDays} is read at each run, so an edit of config.yml applies at the next. */
    public AuditPruner(AuditWriter writer, IntSupplier retentionDays, Clock clock) {
        this.writer = writer;
        this.retentionDays = retentionDays;
        this.clock = clock;
    }

    /** Runs daily from a minute from now. */
    public AuditPruner start() {
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        pruneNow().get(1, TimeUnit.MINUTES);
                    } catch (Exception e) {
                        log.warn("pruning the audit trail failed; tried again tomorrow: {}", e.toString());
                    }
                },
                FIRST.toSeconds(),
                EVERY.toSeconds(),
                TimeUnit.SECONDS);
        return this;
    }

    /** Prunes what is older than the setting says, now; completes once done (nothing to do included). */
    public CompletableFuture<Void> pruneNow() {
        int days = retentionDays.getAsInt();
        Instant before = clock.instant().minus(Duration.ofDays(days));
        return writer.prune(before, "audit.retention_days: " + days + " in config.yml");
    }

    /** The subject of the prune row that leaves the anchor at {@code seq}. */
    static String subject(long seq) {
        return "through seq " + seq;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
