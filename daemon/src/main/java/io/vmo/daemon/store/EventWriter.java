package io.vmo.daemon.store;

import io.vmo.daemon.job.Chunk;
import io.vmo.protocol.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
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

    /** The end of a job, written after all of its events. */
    public record Ending(UUID jobId, JobStatus status, Integer exitCode, Instant finishedAt) {}

    private sealed interface Op permits Append, End, Barrier, Stop {}

    private record Append(Chunk chunk) implements Op {}

    private record End(Ending ending, CompletableFuture<Void> persisted) implements Op {}

    private record Barrier(CompletableFuture<Void> reached) implements Op {}

    private record Stop() implements Op {}

    /** What the writer needs of the store; {@link JobStore} in production, a failing fake in unit tests. */
    @FunctionalInterface
    public interface Sink {
        void write(List<Chunk> chunks, List<Ending> endings) throws Exception;
    }

    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
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
                batch.add(queue.take());
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
            boolean stop = writeWithRetry(batch);
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    /** Returns whether a {@link Stop} was among the batch. */
    private boolean writeWithRetry(List<Op> batch) {
        List<Chunk> chunks = new ArrayList<>();
        List<Ending> endings = new ArrayList<>();
        boolean stop = false;
        for (Op op : batch) {
            switch (op) {
                case Append a -> chunks.add(a.chunk());
                case End e -> endings.add(e.ending());
                case Barrier b -> { }
                case Stop s -> stop = true;
            }
        }
        if (!chunks.isEmpty() || !endings.isEmpty()) {
            Duration delay = firstRetryDelay;
            for (int attempt = 1; ; attempt++) {
                try {
                    sink.write(chunks, endings);
                    if (attempt > 1) {
                        log.info("stored {} event(s) after {} attempts", chunks.size(), attempt);
                    }
                    break;
                } catch (Exception e) {
                    log.warn("storing {} event(s) failed (attempt {}), retrying in {} ms: {}", chunks.size(), attempt,
                            delay.toMillis(), e.toString());
                    sleep(delay);
                    delay = delay.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                            ? Duration.ofSeconds(5) : delay.multipliedBy(2);
                }
            }
        }
        for (Op op : batch) {
            switch (op) {
                case Append a -> budget.release(Math.min(a.chunk().data().length, MAX_QUEUED_BYTES));
                case End e -> e.persisted().complete(null);
                case Barrier b -> b.reached().complete(null);
                case Stop s -> { }
            }
        }
        return stop;
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
