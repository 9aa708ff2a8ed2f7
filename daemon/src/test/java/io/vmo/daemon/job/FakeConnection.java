package io.vmo.daemon.job;

import io.vmo.protocol.LogStream;
import io.vmo.protocol.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A subscriber's connection with an event loop of its own (one thread, tasks in order, as Netty's): it takes
 * {@link #room} messages before it is full; {@link #take} gives it more and wakes its cursors, as Netty's
 * writability change does. It records what it was sent and can be waited on.
 */
final class FakeConnection implements Subscriber, AutoCloseable {

    private final ExecutorService loop = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("fake-connection").factory());
    private final AtomicLong room = new AtomicLong(Long.MAX_VALUE);
    private final List<Response.JobLog> events = new ArrayList<>();
    private final List<Response.JobDone> ends = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final CompletableFuture<Response.JobDone> done = new CompletableFuture<>();
    /** Replies and notices ({@code job:update}), which go out directly. */
    private final List<Response> sent = new ArrayList<>();

    private final List<Notices> noticeWaiters = new ArrayList<>();
    /** How many tasks cursors gave its loop: a cursor that is woken schedules one. */
    final AtomicLong turns = new AtomicLong();

    private record Waiter(long seq, CompletableFuture<Void> reached) {}

    private record Notices(int count, CompletableFuture<List<Response>> sent) {}

    FakeConnection() {}

    /** A connection that takes {@code messages} before it is full. */
    FakeConnection(long messages) {
        room.set(messages);
    }

    @Override
    public synchronized void send(Response message) {
        sent.add(message);
        noticeWaiters.removeIf(w -> sent.size() >= w.count() && w.sent().complete(List.copyOf(sent)));
    }

    /** Completes with what was sent directly once that is at least {@code count} messages. */
    synchronized CompletableFuture<List<Response>> sent(int count) {
        CompletableFuture<List<Response>> future = new CompletableFuture<>();
        if (sent.size() >= count) {
            future.complete(List.copyOf(sent));
        } else {
            noticeWaiters.add(new Notices(count, future));
        }
        return future;
    }

    @Override
    public Executor executor() {
        return task -> {
            turns.incrementAndGet();
            loop.execute(task);
        };
    }

    @Override
    public boolean writable() {
        return room.get() > 0;
    }

    @Override
    public synchronized void write(Response message) {
        room.decrementAndGet();
        switch (message) {
            case Response.JobLog event -> {
                events.add(event);
                waiters.removeIf(w -> event.seq() >= w.seq() && w.reached().complete(null));
            }
            case Response.JobDone end -> {
                ends.add(end);
                done.complete(end);
            }
            default -> throw new AssertionError("a cursor wrote " + message);
        }
    }

    @Override
    public void flush() {}

    /** The connection can take {@code messages} more; its cursors are told through {@code resume}. */
    void take(long messages, Runnable resume) {
        room.set(messages);
        resume.run();
    }

    /** Completes once the event {@code seq} (or a later one) has been written. */
    synchronized CompletableFuture<Void> reached(long seq) {
        CompletableFuture<Void> reached = new CompletableFuture<>();
        if (!events.isEmpty() && events.getLast().seq() >= seq) {
            reached.complete(null);
        } else {
            waiters.add(new Waiter(seq, reached));
        }
        return reached;
    }

    CompletableFuture<Response.JobDone> done() {
        return done;
    }

    /** Waits for the end, and for the loop to have run everything before it. */
    Response.JobDone awaitDone() throws Exception {
        Response.JobDone end = done.get(10, TimeUnit.SECONDS);
        settle();
        return end;
    }

    /** Waits until the loop has run every task queued so far. */
    void settle() throws Exception {
        CompletableFuture.runAsync(() -> {}, loop).get(10, TimeUnit.SECONDS);
    }

    synchronized List<Long> seqs() {
        return events.stream().map(Response.JobLog::seq).toList();
    }

    synchronized List<Response.JobLog> events() {
        return List.copyOf(events);
    }

    synchronized List<Response.JobDone> ends() {
        return List.copyOf(ends);
    }

    /** The text of every event of {@code stream} received, in order. */
    synchronized String text(LogStream stream) {
        StringBuilder text = new StringBuilder();
        events.stream()
                .filter(e -> e.stream() == stream)
                .forEach(e -> text.append(new String(e.data(), StandardCharsets.UTF_8)));
        return text.toString();
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
