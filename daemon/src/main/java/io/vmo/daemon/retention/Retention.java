package io.vmo.daemon.retention;

import io.vmo.daemon.RetentionPolicy;
import io.vmo.daemon.Settings;
import io.vmo.daemon.audit.AuditEntry;
import io.vmo.daemon.audit.AuditTrail;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.PrunedJob;
import io.vmo.protocol.Response;
import io.vmo.protocol.StorageInfo;
import io.vmo.protocol.VmoException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the store small: removes finished jobs, with their output, that the retention policy of config.yml no longer
 * keeps — daily on a thread of its own (first shortly after start), and when asked ({@code vmo prune}). Never a
 * running job; never one of the last {@link RetentionPolicy#keepLastPerTarget()} runs of a target, whatever its age.
 * A config.yml that cannot be used prunes nothing: its defaults might keep less than the file says.
 *
 * <p>How it deletes was chosen from measurements (docs/benchmarks.md, section 8: 1 GB of old output deleted while
 * flood jobs wrote, three runs): batched deletes of output rows ({@link #ROWS_PER_TRANSACTION} a transaction, each
 * followed by a pause as long as it took), then the jobs' rows, then a plain VACUUM. Without that VACUUM the freed
 * space waited for autovacuum (178 s in one run, too late in two: writing 1 GB again grew the files by 1.07 GB);
 * with it, writing 1 GB again grew them by 7-88 MB. The small transactions bound each one to 64 MiB of output, so
 * a long backlog is no huge transaction; the pauses make a prune about three times as long and looked gentler on
 * the writer (floods at 120 % of their rate against 57 % without pauses in one run; 64 % against 62 % for one big
 * delete in another: weak evidence). Dropping day partitions was cheapest (1-2 s, floods at 93-98 %) but cannot
 * keep a target's last runs that live in old partitions, and would put the job's start day into
 * {@code job_events}' primary key and every insert of the event writer.
 */
public final class Retention implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    /** What the prune needs of the store; {@code store.RetentionStore} in production. */
    public interface Store {
        /** Finished jobs beyond the policy, oldest first, each with the size of its output. */
        List<PrunedJob> candidates(RetentionPolicy policy, Instant cutoff);

        /** Deletes at most {@code maxRows} of the jobs' output rows in one transaction; how many it deleted. */
        int removeEvents(List<UUID> jobs, int maxRows);

        /** Deletes the jobs' own rows (never a running one). */
        void removeJobs(List<UUID> jobs);

        /** Makes the deleted rows' space reusable. */
        void vacuum();

        Facts facts();
    }

    /** The store's size and oldest job (null when it holds none). */
    public record Facts(long databaseBytes, long outputBytes, long jobs, String oldestJobId, Instant oldestStartedAt) {}

    /** A prune this daemon ran (not a dry run). */
    private record Last(Instant at, long jobs, long bytes) {}

    /**
     * Output rows deleted per transaction: at most 64 KiB each (the pumps' read size), so at most 64 MiB; a 1 GB
     * prune is then some fifteen thousand rows in fifteen transactions.
     */
    static final int ROWS_PER_TRANSACTION = 1000;

    /** Jobs per batch: their ids go into one statement. */
    static final int JOBS_PER_BATCH = 100;

    static final Duration FIRST_RUN = Duration.ofMinutes(1);
    static final Duration PERIOD = Duration.ofDays(1);

    private final Store store;
    private final Supplier<Settings> settings;
    private final Clock clock;
    private final Pause pause;
    private final AuditTrail audit;
    private final ReentrantLock running = new ReentrantLock();
    private volatile Last last;
    private ScheduledExecutorService daily;

    /** Waits between transactions; {@code Thread::sleep} in production. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    public Retention(Store store, Supplier<Settings> settings, Clock clock, Pause pause, AuditTrail audit) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.pause = pause;
        this.audit = audit;
    }

    /**
     * A prune's row in the audit trail, for one asked by a client (recorded with the request's outcome, where its
     * caller is known) and for the daily one (here: no user, client {@code daily}).
     */
    public static final String ACTION = "retention.run";

    /** What a prune did, for its audit row: dry run or not, what went, under which policy. */
    public static String summary(Response.PruneReport r) {
        return (r.dryRun() ? "dry run: would remove " : "removed ") + r.jobs() + " job(s), " + r.bytes()
                + " bytes of output; kept " + r.days() + " days and each target's last " + r.keepLastPerTarget()
                + " runs";
    }

    /** The way it deletes, in a few words (for the benchmark's report). */
    public static String describeDesign() {
        return "deletes of " + ROWS_PER_TRANSACTION + " output rows a transaction, each followed by a pause as long"
                + " as it took, then VACUUM";
    }

    /** Prunes daily from now on, the first time {@link #FIRST_RUN} from now: never on a Netty event loop. */
    public void startDaily() {
        startDaily(FIRST_RUN, PERIOD);
    }

    synchronized void startDaily(Duration first, Duration period) {
        daily = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("vmo-retention").daemon().factory());
        daily.scheduleWithFixedDelay(this::daily, first.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void daily() {
        try {
            audit.record(new AuditEntry(
                    ACTION, null, "daily", null, null, AuditEntry.OK, summary(prune(null, false, "daily"))));
        } catch (RuntimeException e) {
            log.warn("the daily prune did not run: {}", e.getMessage());
            audit.record(new AuditEntry(ACTION, null, "daily", null, null, AuditEntry.FAILED, e.getMessage()));
        }
    }

    /**
     * Removes what the policy no longer keeps (with {@code dryRun}, only finds it), oldest first; one prune at a
     * time. {@code by} says who asked, for the log. May block for long: never call it on an event loop.
     */
    public Response.PruneReport prune(String requestId, boolean dryRun, String by) {
        Settings now = settings.get();
        if (now.problem() != null) {
            throw new VmoException(
                    ErrorCode.INVALID_CONFIG,
                    "nothing pruned: " + now.problem() + " (fix config.yml: its retention settings cannot be trusted"
                            + " until then)");
        }
        RetentionPolicy policy = now.retention();
        running.lock();
        try {
            long started = System.nanoTime();
            Instant cutoff = clock.instant().minus(policy.maxAge());
            List<PrunedJob> doomed = store.candidates(policy, cutoff);
            long bytes = doomed.stream().mapToLong(PrunedJob::bytes).sum();
            long vacuumMillis = 0;
            if (!dryRun && !doomed.isEmpty()) {
                vacuumMillis = remove(doomed);
            }
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            if (!dryRun) {
                last = new Last(clock.instant(), doomed.size(), bytes);
            }
            log.info(
                    "{}prune ({}): {} job(s), {} bytes of output {} in {} ms, VACUUM {} ms of them (keeping {})",
                    dryRun ? "dry-run " : "",
                    by,
                    doomed.size(),
                    bytes,
                    dryRun ? "would go" : "removed",
                    millis,
                    vacuumMillis,
                    policy.describe());
            return new Response.PruneReport(
                    requestId,
                    dryRun,
                    policy.days(),
                    policy.keepLastPerTarget(),
                    cutoff,
                    doomed.size(),
                    bytes,
                    doomed.size() > Response.PruneReport.MAX_LISTED
                            ? List.copyOf(doomed.subList(0, Response.PruneReport.MAX_LISTED))
                            : doomed,
                    millis,
                    vacuumMillis);
        } finally {
            running.unlock();
        }
    }

    /**
     * Output first, in small transactions with a pause after each, then the jobs' rows: a prune cut short (a
     * restart) leaves jobs whose output is partly gone, which the next prune finishes. Returns the VACUUM's ms.
     */
    private long remove(List<PrunedJob> doomed) {
        List<UUID> ids = new ArrayList<>();
        for (PrunedJob job : doomed) {
            ids.add(UUID.fromString(job.id()));
        }
        try {
            for (int from = 0; from < ids.size(); from += JOBS_PER_BATCH) {
                List<UUID> batch = ids.subList(from, Math.min(ids.size(), from + JOBS_PER_BATCH));
                while (true) {
                    long began = System.nanoTime();
                    int deleted = store.removeEvents(batch, ROWS_PER_TRANSACTION);
                    pause.pause(Duration.ofNanos(System.nanoTime() - began));
                    if (deleted < ROWS_PER_TRANSACTION) {
                        break;
                    }
                }
                store.removeJobs(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmoException(ErrorCode.INTERNAL, "the prune was interrupted (the daemon is stopping)");
        }
        long began = System.nanoTime();
        store.vacuum();
        return Duration.ofNanos(System.nanoTime() - began).toMillis();
    }

    /** The store's size, its oldest job, the policy in force and the last prune. */
    public StorageInfo storage() {
        Settings now = settings.get();
        RetentionPolicy policy = now.retention();
        Facts facts = store.facts();
        Last done = last;
        return new StorageInfo(
                facts.databaseBytes(),
                facts.outputBytes(),
                facts.jobs(),
                facts.oldestJobId(),
                facts.oldestStartedAt(),
                policy.days(),
                policy.keepLastPerTarget(),
                now.problem(),
                done == null ? null : done.at(),
                done == null ? null : done.jobs(),
                done == null ? null : done.bytes());
    }

    @Override
    public synchronized void close() {
        if (daily != null) {
            daily.shutdownNow();
        }
    }
}
