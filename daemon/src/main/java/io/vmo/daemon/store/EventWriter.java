package io.vmo.daemon.store;

import io.vmo.daemon.job.Chunk;
import io.vmo.protocol.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists job output in batches: one thread takes everything queued since its last write and stores it in one
 * transaction (many chunks per round trip). A failed write is retried with back-off until it succeeds, so output
 * is never dropped; while the store is down the queue holds the output, up to {@link #MAX_QUEUED_BYTES}, after
 * which producers wait (the job's pipe fills and the process pauses) instead of anything being lost.
 */
public final class EventWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventWriter.class);

    static final int MAX_QUEUED_BYTES = 64 << 20;
    private static final int MAX_BATCH_BYTES = 8 << 20;
    private static final int MAX_BATCH_OPS = 2_000;
    /** Beyond this much unconfirmed output, a write waits for the flush. */
    private static final int MAX_UNCONFIRMED_BYTES = 64 << 20;
    private static final Duration CONFIRM_WHEN_IDLE = Duration.ofMillis(50);

    /** The end of a job, written after all of its events. */
    public record Ending(UUID jobId, JobStatus status, Integer exitCode, Instant finishedAt) {}

    private sealed interface Op permits Append, End, Barrier, Stop {}

    private record Append(Chunk chunk) implements Op {}

    private record End(Ending ending, CompletableFuture<Void> persisted) implements Op {}

    private record Barrier(CompletableFuture<Void> reached) implements Op {}

    private record Stop() implements Op {}

    /** What the writer needs of the store; {@link JobStore} in production, fakes in unit tests. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Writes in one transaction; a chunk already stored is skipped. Unless {@code durable}, the commit may
         * return before it is flushed to disk; a durable one makes all earlier commits durable too, even when it
         * has nothing to write.
         */
        Written write(List<Chunk> chunks, List<Ending> endings, boolean durable) throws Exception;
    }

    /**
     * Positions in the store's write-ahead log after a write: {@code committedAt}, at or after the write's commit;
     * {@code flushedTo}, up to where the log is on disk (every commit before it survives a crash).
     */
    public record Written(long committedAt, long flushedTo) {}

    /** Output whose commit may not be on disk yet, up to {@code committedAt}. */
    private record Unconfirmed(long committedAt, List<Chunk> chunks, long bytes) {}

    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    /**
     * Output committed without waiting for the WAL flush, which a PostgreSQL crash could still lose: kept until
     * the log is flushed past its commit, up to {@link #MAX_UNCONFIRMED_BYTES}. Not counted in the budget: the
     * flush lags the commits by a few hundred milliseconds, and holding the pumps back for it cost a fifth of the
     * throughput (bench). Only the writer thread uses these.
     */
    private final ArrayDeque<Unconfirmed> unconfirmed = new ArrayDeque<>();
    private long unconfirmedBytes;
    private final Semaphore budget = new Semaphore(MAX_QUEUED_BYTES);
    private final Sink sink;
    private final Duration firstRetryDelay;
    private final Thread thread;

    public EventWriter(JobStore store) {
        this(store::write, Duration.ofMillis(100));
    }

    public EventWriter(Sink sink, Duration firstRetryDelay) {
        this.sink = sink;
        this.firstRetryDelay = firstRetryDelay;
        this.thread = Thread.ofPlatform().name("vmo-event-writer").daemon().start(this::run);
    }

    /** Queues a chunk; blocks only while {@link #MAX_QUEUED_BYTES} are already waiting for the store. */
    public void append(Chunk chunk) {
        budget.acquireUninterruptibly(Math.min(chunk.data().length, MAX_QUEUED_BYTES));
        queue.add(new Append(chunk));
    }

    /** Queues the end of a job; the future completes once it (and so all its events) is stored. */
    public CompletableFuture<Void> end(Ending ending) {
        var persisted = new CompletableFuture<Void>();
        queue.add(new End(ending, persisted));
        return persisted;
    }

    /** Completes once everything queued before this call is stored. */
    public CompletableFuture<Void> barrier() {
        var reached = new CompletableFuture<Void>();
        queue.add(new Barrier(reached));
        return reached;
    }

    private void run() {
        List<Op> batch = new ArrayList<>();
        while (true) {
            try {
                Op first = unconfirmed.isEmpty() ? queue.take() : queue.poll(CONFIRM_WHEN_IDLE.toMillis(),
                        TimeUnit.MILLISECONDS);
                if (first == null) { // quiet for a moment: make what is unconfirmed durable
                    writeWithRetry(List.of(), true);
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                return;
            }
            int bytes = 0;
            Op next;
            while (batch.size() < MAX_BATCH_OPS && bytes < MAX_BATCH_BYTES && (next = queue.poll()) != null) {
                batch.add(next);
                if (next instanceof Append a) {
                    bytes += a.chunk().data().length;
                }
            }
            boolean stop = writeWithRetry(batch, false);
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    /**
     * Writes one batch; returns whether a {@link Stop} was among it. Output is committed without waiting for the
     * WAL flush: that wait, once per batch, cost a sixth of one job's throughput (bench), and PostgreSQL's WAL
     * writer flushes in the background anyway. Such output stays {@link #unconfirmed} until a later write reports
     * the log flushed past it; a job's end, and a moment without new output, wait for the flush (which covers
     * everything before: the log is one sequence). A failed write may mean PostgreSQL crashed and lost unflushed
     * commits, so the retry writes them again, and waits for the flush.
     */
    private boolean writeWithRetry(List<Op> batch, boolean confirm) {
        List<Chunk> fresh = new ArrayList<>();
        List<Ending> endings = new ArrayList<>();
        boolean stop = false;
        for (Op op : batch) {
            switch (op) {
                case Append a -> fresh.add(a.chunk());
                case End e -> endings.add(e.ending());
                case Barrier b -> { }
                case Stop s -> stop = true;
            }
        }
        long freshBytes = fresh.stream().mapToLong(c -> c.data().length).sum();
        boolean durable = confirm || stop || !endings.isEmpty()
                || unconfirmedBytes + freshBytes > MAX_UNCONFIRMED_BYTES;
        if (!fresh.isEmpty() || !endings.isEmpty() || (durable && !unconfirmed.isEmpty())) {
            List<Chunk> chunks = fresh;
            Duration delay = firstRetryDelay;
            for (int attempt = 1; ; attempt++) {
                try {
                    Written written = sink.write(chunks, endings, durable);
                    if (attempt > 1) {
                        log.info("stored {} event(s) after {} attempts", chunks.size(), attempt);
                    }
                    unconfirmed.add(new Unconfirmed(written.committedAt(), fresh, freshBytes));
                    unconfirmedBytes += freshBytes;
                    confirmUpTo(durable ? Long.MAX_VALUE : written.flushedTo());
                    break;
                } catch (Exception e) {
                    log.warn("storing {} event(s) failed (attempt {}), retrying in {} ms: {}", chunks.size(), attempt,
                            delay.toMillis(), e.toString());
                    sleep(delay);
                    delay = delay.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                            ? Duration.ofSeconds(5) : delay.multipliedBy(2);
                    if (attempt == 1 && !unconfirmed.isEmpty()) {
                        chunks = new ArrayList<>(); // rows already there are skipped
                        for (Unconfirmed u : unconfirmed) {
                            chunks.addAll(u.chunks());
                        }
                        chunks.addAll(fresh);
                    }
                    durable = true;
                }
            }
        }
        for (Op op : batch) {
            switch (op) {
                case Append a -> budget.release(Math.min(a.chunk().data().length, MAX_QUEUED_BYTES));
                case End e -> e.persisted().complete(null);
                case Barrier b -> b.reached().complete(null); // committed is enough: it is for readers
                case Stop s -> { }
            }
        }
        return stop;
    }

    /** Output committed before {@code flushedTo} is on disk: no need to keep it any more. */
    private void confirmUpTo(long flushedTo) {
        while (!unconfirmed.isEmpty() && unconfirmed.peek().committedAt() <= flushedTo) {
            unconfirmedBytes -= unconfirmed.poll().bytes();
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stores what is queued, then stops. */
    @Override
    public void close() {
        queue.add(new Stop());
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
