package io.vmo.daemon.job;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Every subscriber's cursors: set up on join and attach, woken when the subscriber can take more, closed when it
 * leaves or goes. Nothing here takes a lock or blocks: it is called on network threads.
 */
final class Viewers implements AutoCloseable {

    private final ConcurrentHashMap<Subscriber, Set<Cursor>> cursors = new ConcurrentHashMap<>();
    private final ExecutorService pageThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final SharedPages pages;
    private final Function<UUID, RunningJob> running;

    /** {@code store}: pages of stored events; {@code running}: the running job of an id, or null once it has ended. */
    Viewers(SharedPages.Store store, Function<UUID, RunningJob> running) {
        this.pages = new SharedPages(store);
        this.running = running;
    }

    /** From {@code afterSeq} on, the subscriber is sent the job's events from {@code log}, then its end. */
    void follow(UUID jobId, JobLog log, long afterSeq, Subscriber subscriber) {
        RunningJob job = running.apply(jobId);
        Ration ration = job != null ? job.ration() : Ration.none();
        Cursor cursor = new Cursor(jobId, log, afterSeq, subscriber, pages, ration, pageThreads, this::finished);
        log.join(cursor, afterSeq);
        cursors.computeIfAbsent(subscriber, s -> ConcurrentHashMap.newKeySet()).add(cursor);
        if (job != null) {
            job.watch(cursor); // wakes it
        } else {
            cursor.wake();
        }
    }

    /** Where running jobs' tails put what they let go of while a cursor still needs it. */
    JobLog.Overflow overflow() {
        return pages;
    }

    /** The subscriber can take more again: its cursors go on. */
    void resume(Subscriber subscriber) {
        Set<Cursor> mine = cursors.get(subscriber);
        if (mine != null) {
            mine.forEach(Cursor::wake);
        }
    }

    /** The subscriber stops following the job. */
    void leave(UUID jobId, Subscriber subscriber) {
        Set<Cursor> mine = cursors.get(subscriber);
        if (mine != null) {
            mine.stream().filter(c -> c.jobId().equals(jobId)).toList().forEach(c -> {
                c.close();
                finished(c);
            });
        }
    }

    /** The subscriber has gone. */
    void forget(Subscriber subscriber) {
        Set<Cursor> mine = cursors.remove(subscriber);
        if (mine != null) {
            mine.forEach(c -> {
                c.close();
                unwatch(c);
            });
        }
    }

    /** A cursor is done: it delivered its job's end, or was closed. */
    private void finished(Cursor cursor) {
        unwatch(cursor);
        Set<Cursor> mine = cursors.get(cursor.subscriber());
        if (mine != null) {
            mine.remove(cursor);
        }
    }

    private void unwatch(Cursor cursor) {
        RunningJob job = running.apply(cursor.jobId());
        if (job != null) {
            job.unwatch(cursor);
        }
    }

    @Override
    public void close() {
        pageThreads.shutdownNow();
    }
}
