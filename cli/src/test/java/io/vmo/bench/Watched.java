package io.vmo.bench;

import io.vmo.e2e.TestDaemon;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A job started through the daemon with a client of its own joined to it from seq 0, as `vmo run` does: one
 * WebSocket connection ({@link Link}), one reader thread taking every message, counting and hashing what arrives
 * per stream and checking that seqs come once each, in order.
 */
final class Watched implements AutoCloseable {

    /** Sees each of the job's log events with the wall-clock time (epoch ns) the client took it. */
    @FunctionalInterface
    interface Sink {
        void log(Response.JobLog log, long receivedEpochNanos);
    }

    final Link client;
    final JobInfo job;
    private final Sink sink;
    private final Map<LogStream, Digest> received = new EnumMap<>(LogStream.class);
    private final Map<LogStream, Digest.Result> finished = new EnumMap<>(LogStream.class);
    private final CompletableFuture<Response.JobDone> done = new CompletableFuture<>();
    private final Thread reader;
    private volatile long doneNanoTime;
    private volatile long lastLogAt;
    private long lastSeq;
    private String seqProblem;

    private Watched(Link client, JobInfo job, Sink sink) {
        this.client = client;
        this.job = job;
        this.sink = sink;
        this.reader = Thread.ofPlatform()
                .daemon()
                .name("watch-" + job.id().substring(0, 8))
                .unstarted(this::read);
    }

    static Watched start(TestDaemon daemon, String target, List<String> args, Sink sink) {
        return start(Link.Kind.CLI, daemon, target, args, sink);
    }

    static Watched start(Link.Kind kind, TestDaemon daemon, String target, List<String> args, Sink sink) {
        Link client = Link.open(kind, daemon);
        var started = client.call(
                new Request.ExecuteCommand(client.nextId(), BenchProject.ALIAS, target, args),
                Response.JobStarted.class);
        Watched watched = new Watched(client, started.job(), sink);
        client.send(new Request.JoinJob(client.nextId(), started.job().id(), 0));
        watched.reader.start();
        return watched;
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private void read() {
        try {
            while (true) {
                Response response = client.next();
                long at = client.receivedAt();
                switch (response) {
                    case Response.JobLog log
                    when log.jobId().equals(job.id()) -> {
                        if (log.seq() != lastSeq + 1 && seqProblem == null) {
                            seqProblem = "seq " + log.seq() + " after " + lastSeq;
                        }
                        lastSeq = log.seq();
                        lastLogAt = at;
                        received.computeIfAbsent(log.stream(), s -> Digest.fast())
                                .update(log.data());
                        sink.log(log, at);
                    }
                    case Response.JobDone d
                    when d.jobId().equals(job.id()) -> {
                        doneNanoTime = System.nanoTime();
                        done.complete(d);
                        return;
                    }
                    case Response.ErrorReply e -> {
                        done.completeExceptionally(new IllegalStateException("error from the daemon: " + e.message()));
                        return;
                    }
                    default -> {}
                }
            }
        } catch (RuntimeException e) { // the CLI's exception for a closed connection
            done.completeExceptionally(e);
        }
    }

    String id() {
        return job.id();
    }

    /** Waits for job:done; throws if the connection failed or it took longer than the timeout. */
    Response.JobDone awaitDone(long timeoutSeconds) throws Exception {
        return done.get(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** System.nanoTime() when job:done arrived. */
    long doneNanoTime() {
        return doneNanoTime;
    }

    /** What the client received of a stream (JSON text re-encoded as UTF-8); call after job:done. */
    synchronized Digest.Result received(LogStream stream) {
        return finished.computeIfAbsent(stream, s -> {
            Digest digest = received.get(s);
            return digest == null ? Digest.Result.EMPTY : digest.finish();
        });
    }

    /** Wall-clock epoch ns when the last log event arrived. */
    long lastLogAt() {
        return lastLogAt;
    }

    long lastSeq() {
        return lastSeq;
    }

    /** Null when every seq from 1 arrived once, in order. */
    String seqProblem() {
        return seqProblem;
    }

    @Override
    public void close() {
        client.close();
    }
}
