package io.vmo.daemon.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The event writer as jobs see it: one thread that stores what is queued, in order, into a {@link FakeStore}, and
 * reports it durable at once. {@link #hold} is a store outage: everything waits in memory, ends are not durable,
 * until {@link #release}. {@link #fill} is a full queue: {@link #awaitRoom} waits until {@link #makeRoom}.
 */
final class FakeWriter implements OutputQueue, AutoCloseable {

    private final FakeStore store;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("fake-writer").factory());
    /** Every event, in the order it was queued. */
    final List<Chunk> appended = new CopyOnWriteArrayList<>();
    /** Completed when a job's end is queued (not stored): the supervisor has recorded how it ended. */
    private final Map<UUID, CompletableFuture<Ending>> endQueued = new ConcurrentHashMap<>();

    private final Map<String, CompletableFuture<Void>> queued = new ConcurrentHashMap<>();
    private volatile DurableListener durable = (job, seq) -> {};
    private boolean holding;
    private final List<Runnable> held = new ArrayList<>();
    private volatile CompletableFuture<Void> room = CompletableFuture.completedFuture(null);
    /** Completed when something waits for room: the pump is stopped. */
    private volatile CompletableFuture<Void> waitedForRoom = new CompletableFuture<>();
    /** What {@link #barrier} answers; null: complete once what was queued before is stored. */
    volatile CompletableFuture<Void> barrierAnswer;

    FakeWriter(FakeStore store) {
        this.store = store;
    }

    @Override
    public void awaitRoom() throws InterruptedException {
        CompletableFuture<Void> current = room;
        if (!current.isDone()) {
            waitedForRoom.complete(null);
        }
        try {
            current.get();
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void append(Chunk chunk) {
        appended.add(chunk);
        queued(chunk.jobId(), chunk.seq()).complete(null);
        later(() -> {
            store.store(chunk);
            durable.durableUpTo(chunk.jobId(), chunk.seq());
        });
    }

    @Override
    public CompletableFuture<Void> end(Ending ending) {
        endQueued(ending.jobId()).complete(ending);
        CompletableFuture<Void> stored = new CompletableFuture<>();
        later(() -> {
            store.store(ending);
            stored.complete(null);
        });
        return stored;
    }

    @Override
    public CompletableFuture<Void> barrier() {
        if (barrierAnswer != null) {
            return barrierAnswer;
        }
        CompletableFuture<Void> stored = new CompletableFuture<>();
        later(() -> stored.complete(null));
        return stored;
    }

    @Override
    public void onDurable(DurableListener listener) {
        durable = listener;
    }

    /** Completes once the job's event {@code seq} is queued. */
    CompletableFuture<Void> queued(UUID jobId, long seq) {
        return queued.computeIfAbsent(jobId + "/" + seq, key -> new CompletableFuture<>());
    }

    CompletableFuture<Ending> endQueued(UUID jobId) {
        return endQueued.computeIfAbsent(jobId, id -> new CompletableFuture<>());
    }

    /** The store is down: nothing more is stored until {@link #release}. */
    synchronized void hold() {
        holding = true;
    }

    synchronized void release() {
        holding = false;
        held.forEach(thread::execute);
        held.clear();
    }

    /** The queue is full: {@link #awaitRoom} waits from now on; the future completes once something waits. */
    CompletableFuture<Void> fill() {
        waitedForRoom = new CompletableFuture<>();
        room = new CompletableFuture<>();
        return waitedForRoom;
    }

    void makeRoom() {
        room.complete(null);
    }

    private synchronized void later(Runnable op) {
        if (holding) {
            held.add(op);
        } else {
            thread.execute(op);
        }
    }

    @Override
    public void close() {
        makeRoom();
        thread.shutdownNow();
    }
}
