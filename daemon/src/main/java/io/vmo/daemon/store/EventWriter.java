package io.vmo.daemon.store;

import io.vmo.daemon.job.Chunk;
import io.vmo.daemon.job.Ending;
import io.vmo.daemon.job.OutputQueue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists job output in batches: one thread takes everything queued since its last write and stores it in one
 * transaction (many chunks per round trip). A failed write is retried with back-off until it succeeds, so output
 * is never dropped; while the store is down the queue holds the output, up to {@link #MAX_QUEUED_BYTES}, after
 * which producers wait in {@link #awaitRoom} (the job's pipe fills and the process pauses).
 *
 * <p>Durability is observed, never assumed: output leaves the writer's memory only once the store reports its WAL
 * flushed past the commit that wrote it ({@link Written#flushedTo} &ge; {@link Written#committedAt}), and a job's
 * end is announced only then. A write that fails may mean the server lost what it had not flushed, so the retry
 * writes all of that again.
 */
public final class EventWriter implements OutputQueue, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventWriter.class);

    static final int MAX_QUEUED_BYTES = 8 << 20;
    private static final int MAX_BATCH_BYTES = 2 << 20;
    private static final int MAX_BATCH_OPS = 2_000;
    /** Beyond this much output not yet seen flushed, a write waits for the flush. */
    static final int MAX_UNCONFIRMED_BYTES = 16 << 20;

    private static final Duration CONFIRM_WHEN_IDLE = Duration.ofMillis(50);
    /**
     * How long a write waits for more once output trickles in. A line reaches the writer and the viewers' cursors
     * at the same moment; writing it at once put the writer, a PostgreSQL backend and the delivery on two cores
     * together, and the delivery waited (bench, latency phase). A flood never waits: its queue is never empty.
     */
    private static final long LINGER_NANOS = Duration.ofMillis(3).toNanos();

    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(2);

    private sealed interface Op permits Append, End, Barrier, Stop {}

    private record Append(Chunk chunk) implements Op {}

    private record End(Ending ending, CompletableFuture<Void> durable) implements Op {}

    private record Barrier(CompletableFuture<Void> reached) implements Op {}

    private record Stop() implements Op {}

    /** What the writer needs of the store; {@link EventSink} in production, fakes in unit tests. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Writes in one transaction; a chunk already stored is skipped. Unless {@code durable}, the commit may
         * return before it is flushed to disk; a durable one asks the store to flush it (and so everything before
         * it) now. If the store may have lost commits it reported (a crash, a new session), this call throws.
         */
        Written write(List<Chunk> chunks, List<Ending> endings, boolean durable) throws Exception;
    }

    /**
     * Positions in the store's write-ahead log after a write: {@code committedAt}, at or after the write's commit;
     * {@code flushedTo}, up to where the log is on disk (every commit before it survives a crash).
     */
    public record Written(long committedAt, long flushedTo) {}

    /** Written, but not yet seen flushed: kept, to be written again if the store loses it. */
    private record Unconfirmed(long committedAt, List<Chunk> chunks, List<End> endings, long bytes) {}

    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    /**
     * Not counted in the budget: the flush lags the commits by a few hundred milliseconds, and holding the pumps
     * back for it cost a fifth of the throughput (bench). Bounded by {@link #MAX_UNCONFIRMED_BYTES}. Only the
     * writer thread uses these.
     */
    private final ArrayDeque<Unconfirmed> unconfirmed = new ArrayDeque<>();

    private long unconfirmedBytes;
    private final Budget budget = new Budget(MAX_QUEUED_BYTES);
    private final Sink sink;
    private final StoreHealth health;
    private final Duration firstRetryDelay;
    private final Thread thread;
    private volatile DurableListener durable = (jobId, seq) -> {};

    public EventWriter(Sink sink, StoreHealth health, Duration firstRetryDelay) {
        this.sink = sink;
        this.health = health;
        this.firstRetryDelay = firstRetryDelay;
        this.thread = Thread.ofPlatform().name("vmo-event-writer").daemon().start(this::run);
    }

    /** Who hears how far each job's output is on disk (the jobs' logs: they may then let go of it). */
    @Override
    public void onDurable(DurableListener listener) {
        this.durable = listener;
    }

    /**
     * Waits while {@link #MAX_QUEUED_BYTES} are already waiting for the store. Producers of output call it before
     * taking any lock that others need, then {@link #append}.
     */
    @Override
    public void awaitRoom() throws InterruptedException {
        budget.awaitRoom();
    }

    /** Queues a chunk; never blocks (it may take the queue one chunk past its limit: see {@link #awaitRoom}). */
    @Override
    public void append(Chunk chunk) {
        budget.take(chunk.data().length);
        queue.add(new Append(chunk));
    }

    /** Queues the end of a job; the future completes once it, and so every event before it, is on disk. */
    @Override
    public CompletableFuture<Void> end(Ending ending) {
        var durable = new CompletableFuture<Void>();
        queue.add(new End(ending, durable));
        return durable;
    }

    /** Completes once everything queued before this call is committed: visible to readers of the store. */
    @Override
    public CompletableFuture<Void> barrier() {
        var reached = new CompletableFuture<Void>();
        queue.add(new Barrier(reached));
        return reached;
    }

    private void run() {
        List<Op> batch = new ArrayList<>();
        while (true) {
            try {
                Op first = unconfirmed.isEmpty()
                        ? queue.take()
                        : queue.poll(CONFIRM_WHEN_IDLE.toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) { // else: quiet for a moment; an empty batch makes what is unconfirmed durable
                    batch.add(first);
                    int bytes = 0;
                    long lingerUntil = System.nanoTime() + LINGER_NANOS;
                    Op next;
                    while (batch.size() < MAX_BATCH_OPS
                            && bytes < MAX_BATCH_BYTES
                            && (next = nextOp(lingerUntil)) != null) {
                        batch.add(next);
                        if (next instanceof Append a) {
                            bytes += a.chunk().data().length;
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
            boolean stop = write(batch);
            batch.clear();
            if (stop) {
                for (int i = 0; i < 20 && !unconfirmed.isEmpty(); i++) {
                    write(List.of());
                }
                return;
            }
        }
    }

    /** The next op queued, waiting for one until {@code lingerUntil}. */
    private Op nextOp(long lingerUntil) throws InterruptedException {
        Op next = queue.poll();
        if (next != null) {
            return next;
        }
        long left = lingerUntil - System.nanoTime();
        return left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
    }

    /**
     * Writes one batch until it succeeds; returns whether a {@link Stop} was among it. Output is committed without
     * waiting for the WAL flush: that wait, once per batch, cost a sixth of one job's throughput (bench), and
     * PostgreSQL's WAL writer flushes in the background anyway. A job's end, a quiet moment (an empty batch) and
     * too much unconfirmed output ask for the flush.
     */
    private boolean write(List<Op> batch) {
        List<Chunk> chunks = new ArrayList<>();
        List<End> endings = new ArrayList<>();
        boolean stop = false;
        for (Op op : batch) {
            switch (op) {
                case Append a -> chunks.add(a.chunk());
                case End e -> endings.add(e);
                case Barrier b -> {}
                case Stop s -> stop = true;
            }
        }
        long bytes = bytes(chunks);
        boolean durable =
                batch.isEmpty() || stop || !endings.isEmpty() || unconfirmedBytes + bytes > MAX_UNCONFIRMED_BYTES;
        boolean rewrite = false;
        Backoff backoff = new Backoff(firstRetryDelay, MAX_RETRY_DELAY);
        for (int attempt = 1; ; attempt++) {
            try {
                Written written =
                        sink.write(chunks, endings.stream().map(End::ending).toList(), durable);
                health.writeSucceeded();
                if (attempt > 1) {
                    log.info("stored {} event(s) after {} attempts", chunks.size(), attempt);
                }
                if (rewrite) { // everything unconfirmed was in this write: its commit now stands for all of it
                    unconfirmed.clear();
                    unconfirmedBytes = 0;
                }
                if (!chunks.isEmpty() || !endings.isEmpty()) {
                    unconfirmed.add(new Unconfirmed(written.committedAt(), chunks, endings, bytes));
                    unconfirmedBytes += bytes;
                }
                confirmUpTo(written.flushedTo());
                break;
            } catch (Exception e) {
                health.writeFailed(e);
                log.warn(
                        "storing {} event(s) failed (attempt {}), retrying in {} ms: {}",
                        chunks.size(),
                        attempt,
                        backoff.next().toMillis(),
                        e.toString());
                backoff.pause();
                if (!rewrite) { // the store may have lost whatever it had not flushed: write all of it again
                    rewrite = true;
                    List<Chunk> allChunks = new ArrayList<>();
                    List<End> allEndings = new ArrayList<>();
                    for (Unconfirmed u : unconfirmed) {
                        allChunks.addAll(u.chunks());
                        allEndings.addAll(u.endings());
                    }
                    allChunks.addAll(chunks);
                    allEndings.addAll(endings);
                    chunks = allChunks;
                    endings = allEndings;
                    bytes = bytes(chunks);
                }
                durable = true;
            }
        }
        for (Op op : batch) {
            switch (op) {
                case Append a -> budget.give(a.chunk().data().length);
                case Barrier b -> b.reached().complete(null); // committed is enough: it is for readers
                case End e -> {} // completed when confirmed
                case Stop s -> {}
            }
        }
        return stop;
    }

    /** Output committed before {@code flushedTo} is on disk: no need to keep it any more. */
    private void confirmUpTo(long flushedTo) {
        java.util.Map<UUID, Long> upTo = new java.util.HashMap<>();
        while (!unconfirmed.isEmpty() && unconfirmed.peek().committedAt() <= flushedTo) {
            Unconfirmed u = unconfirmed.poll();
            unconfirmedBytes -= u.bytes();
            u.chunks().forEach(c -> upTo.merge(c.jobId(), c.seq(), Math::max));
            u.endings().forEach(e -> e.durable().complete(null));
        }
        upTo.forEach(durable::durableUpTo);
    }

    private static long bytes(List<Chunk> chunks) {
        long bytes = 0;
        for (Chunk c : chunks) {
            bytes += c.data().length;
        }
        return bytes;
    }

    /** Stores what is queued, then stops (and ends the sink's session, if it has one). */
    @Override
    public void close() {
        queue.add(new Stop());
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sink instanceof AutoCloseable session) {
            try {
                session.close();
            } catch (Exception e) {
                log.debug("closing the writer's session: {}", e.toString());
            }
        }
    }

    /**
     * Bytes queued for the store. Waiting for room is separate from taking it, so that a producer waits before it
     * takes the job's lock, and vmo's own small notes never wait at all.
     */
    private static final class Budget {
        private final long limit;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition room = lock.newCondition();
        private long used;

        Budget(long limit) {
            this.limit = limit;
        }

        void awaitRoom() throws InterruptedException {
            lock.lock();
            try {
                while (used >= limit) {
                    room.await();
                }
            } finally {
                lock.unlock();
            }
        }

        void take(long bytes) {
            lock.lock();
            try {
                used += bytes;
            } finally {
                lock.unlock();
            }
        }

        void give(long bytes) {
            lock.lock();
            try {
                used -= bytes;
                room.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
