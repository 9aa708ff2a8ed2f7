package io.vmo.daemon.job;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** What jobs need of the store's writer: where their output and ends go (the store's {@code EventWriter}). */
public interface OutputQueue {

    /** Waits while the queue is full (the store is down or behind); call it holding no lock others need. */
    void awaitRoom() throws InterruptedException;

    /** Queues an event; never blocks. */
    void append(Chunk chunk);

    /** Queues a job's end; completes once it, and every event before it, is on disk. */
    CompletableFuture<Void> end(Ending ending);

    /** Completes once everything queued before is visible to readers of the store. */
    CompletableFuture<Void> barrier();

    /** Told, on the writer's thread, how far each job's output is on disk. Must not block. */
    @FunctionalInterface
    interface DurableListener {
        void durableUpTo(UUID jobId, long seq);
    }

    void onDurable(DurableListener listener);
}
