package io.vmo.daemon.job;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's place in one job's log: the last seq it was sent. It advances only while the subscriber's
 * connection can take more, on the subscriber's own thread (a connection's event loop), from the job's tail in
 * memory or, when it has fallen behind that, from the store a page at a time. So a slow viewer costs a position
 * and at most one page, never a queue that grows with the job's output, and the job never waits for it: the
 * job's pump only {@link #wake}s it.
 */
final class Cursor {

    private static final Logger logger = LoggerFactory.getLogger(Cursor.class);
    /** How much one turn sends from memory before it checks the connection again (it stops at its limit anyway). */
    private static final long SLICE_BYTES = 256 << 10;
    /**
     * Events per page read from the store: at most 512 KiB at the pump's 64 KiB chunks. A page is written to the
     * connection whole, so this is most of what a viewer that fell behind holds.
     */
    static final int PAGE_EVENTS = 8;

    private static final Duration RETRY = Duration.ofSeconds(1);

    /**
     * Reads stored events for a reader of {@code log}: {@code afterSeq < seq <= upToSeq}, in order, at most
     * {@code limit}. May block.
     */
    @FunctionalInterface
    interface Pages {
        List<Chunk> read(UUID jobId, JobLog log, long afterSeq, long upToSeq, int limit);
    }

    private final UUID jobId;
    private final JobLog log;
    private final Subscriber subscriber;
    private final Pages pages;
    private final Ration ration;
    private final Executor blocking;
    private final Consumer<Cursor> finished;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /**
     * Whether it has sent everything there is: only then does new output need to wake it. One that is behind
     * reads on by itself, one whose connection is full is woken by the connection; waking those for every chunk
     * cost the job's pump 200 wake-ups a chunk with 200 viewers behind it.
     */
    private volatile boolean idle;
    /** Only touched on the subscriber's executor. */
    private long position;

    private boolean reading;
    private volatile boolean closed;

    Cursor(
            UUID jobId,
            JobLog log,
            long position,
            Subscriber subscriber,
            Pages pages,
            Ration ration,
            Executor blocking,
            Consumer<Cursor> finished) {
        this.jobId = jobId;
        this.log = log;
        this.position = position;
        this.subscriber = subscriber;
        this.pages = pages;
        this.ration = ration;
        this.blocking = blocking;
        this.finished = finished;
    }

    UUID jobId() {
        return jobId;
    }

    Subscriber subscriber() {
        return subscriber;
    }

    /** Something changed (new output, the end, room on the connection): deliver what can be, soon. Never blocks. */
    void wake() {
        if (!closed && scheduled.compareAndSet(false, true)) {
            subscriber.executor().execute(this::deliver);
        }
    }

    /** The job wrote more: called by its pump after the event is in the log. */
    void outputArrived() {
        if (idle) {
            wake();
        }
    }

    /** Stops delivering (the subscriber left or has gone). */
    void close() {
        closed = true;
        ration.forget(this);
        log.leave(this);
    }

    private void deliver() {
        scheduled.set(false); // a wake from here on schedules another turn
        idle = false;
        if (closed || reading) {
            return;
        }
        boolean wrote = false;
        try {
            while (subscriber.writable()) {
                switch (log.read(this, position, SLICE_BYTES)) {
                    case JobLog.Events e -> {
                        if (!ration.take(this, position, e.bytes())) {
                            return; // the job floods and this viewer's share is spent: woken for the next
                        }
                        for (Chunk chunk : e.chunks()) {
                            subscriber.write(chunk.toMessage());
                            position = chunk.seq();
                        }
                        wrote = true;
                    }
                    case JobLog.Behind b -> {
                        if (!ration.mayReadStore(this, position)) {
                            return; // woken when the job's flood ends
                        }
                        readPage(b.upToSeq());
                        return;
                    }
                    case JobLog.UpToDate u -> {
                        // Set before looking again, so that output appended meanwhile is seen here or wakes it.
                        idle = true;
                        if (!log.hasAfter(position)) {
                            return;
                        }
                        idle = false;
                    }
                    case JobLog.Ended end -> {
                        subscriber.write(end.end());
                        wrote = true;
                        closed = true;
                        finished.accept(this);
                        return;
                    }
                }
            }
        } finally {
            if (wrote) {
                subscriber.flush();
            }
            if (closed) {
                log.leave(this); // also when a close raced with this turn's read
            }
        }
    }

    /** Off the subscriber's thread: one page from the store; then back on it to send the page and go on. */
    private void readPage(long upToSeq) {
        reading = true;
        long after = position;
        CompletableFuture.supplyAsync(() -> pages.read(jobId, log, after, upToSeq, PAGE_EVENTS), blocking)
                .whenCompleteAsync((page, failure) -> sendPage(after, page, failure), subscriber.executor());
    }

    private void sendPage(long after, List<Chunk> page, Throwable failure) {
        reading = false;
        if (closed) {
            return;
        }
        if (failure != null || page.isEmpty() || page.getFirst().seq() != after + 1) {
            // The store is down, or (never expected) lacks what the tail let go of: try again shortly.
            logger.warn(
                    "job {}: cannot read stored events after seq {} yet ({}); retrying in {} s",
                    jobId,
                    after,
                    failure != null
                            ? failure.getCause() != null ? failure.getCause().getMessage() : failure
                            : "not there",
                    RETRY.toSeconds());
            CompletableFuture.delayedExecutor(RETRY.toMillis(), TimeUnit.MILLISECONDS, blocking)
                    .execute(this::wake);
            return;
        }
        long expected = after;
        long bytes = 0;
        for (Chunk chunk : page) {
            if (chunk.seq() != expected + 1) {
                break; // only what follows on without a gap
            }
            subscriber.write(chunk.toMessage());
            position = expected = chunk.seq();
            bytes += chunk.data().length;
        }
        ration.spent(bytes);
        subscriber.flush();
        deliver();
    }
}
