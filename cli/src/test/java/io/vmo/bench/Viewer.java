package io.vmo.bench;

import io.vmo.e2e.TestDaemon;
import io.vmo.protocol.Codec;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.LogFrame;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A light viewer of one job: a {@link WireClient} (plain blocking socket, binary subprotocol {@code vmo.v1.bytes})
 * and a platform thread of its own that sends {@code join-job {sinceSeq: 0}}, optionally reads nothing at all for a
 * while (its socket fills, TCP back-pressure reaches the daemon), then reads to {@code job:done}: counting and
 * CRC32C-ing the stdout bytes, checking every seq arrives once and in order, timing each event against its
 * {@code ts}. Whatever ends it early (a close by the daemon, a reset, a timeout) becomes its {@link Result#problem}.
 */
final class Viewer {

    /**
     * {@code dropped}: the daemon closed the connection before job:done. {@code doneEpochNanos} 0 when job:done never
     * came. {@code maxEventLagNanos}: the largest receipt time − event {@code ts} over its events.
     */
    record Result(
            int index,
            boolean done,
            boolean dropped,
            String problem,
            long lastSeq,
            String seqProblem,
            Digest.Result stdout,
            long otherBytes,
            long doneEpochNanos,
            long maxEventLagNanos,
            int refusedJoins) {}

    /** A join refused with store-unavailable is sent again (from the last seq received) this often at most. */
    static final int JOIN_RETRIES = 10;

    private static final Codec CODEC = new Codec();

    final int index;
    private final WireClient client;
    private final double pauseSeconds;
    private final int readTimeoutMillis;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final CompletableFuture<String> job = new CompletableFuture<>();
    private final CompletableFuture<Long> tid = new CompletableFuture<>();
    private volatile boolean closedByUs;
    private volatile long seq;
    private int refusedJoins;

    private Viewer(int index, WireClient client, double pauseSeconds, int readTimeoutMillis) {
        this.index = index;
        this.client = client;
        this.pauseSeconds = pauseSeconds;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    /**
     * Connects, and starts its thread, which waits for {@link #follow} (the upgrade and the thread's start done before
     * the job starts, so they are not in any timing).
     */
    static Viewer connect(TestDaemon daemon, int index, double pauseSeconds, int readTimeoutMillis) throws Exception {
        Viewer v = new Viewer(
                index, WireClient.connect(daemon.address(), daemon.token(), true), pauseSeconds, readTimeoutMillis);
        Thread.ofPlatform().daemon().name("viewer-" + index).start(() -> {
            v.tid.complete(Nice.currentTid());
            try {
                v.result.complete(v.run(v.job.get()));
            } catch (Exception e) {
                v.result.complete(v.cut(false, "never told which job to follow: " + e, Digest.fast(), 0, null, 0));
            }
        });
        return v;
    }

    /** Its thread's kernel id, once the thread runs (-1 where unknown). */
    long tid() {
        return tid.join();
    }

    /** Joins the job from seq 0 and follows it on its thread. */
    void follow(String jobId) {
        job.complete(jobId);
    }

    CompletableFuture<Result> result() {
        return result;
    }

    /** Closes the socket (a blocked read then throws); what it had so far is reported as cut short by us. */
    void abort() {
        closedByUs = true;
        job.completeExceptionally(new java.util.concurrent.CancellationException("aborted"));
        client.close();
    }

    private Result run(String jobId) {
        UUID id = UUID.fromString(jobId);
        Digest stdout = Digest.fast();
        long other = 0;
        String seqProblem = null;
        long maxLag = 0;
        try {
            client.readTimeout(readTimeoutMillis);
            client.send(new Request.JoinJob(client.nextId(), jobId, 0));
            if (pauseSeconds > 0) {
                Thread.sleep((long) (pauseSeconds * 1000)); // reads nothing: the socket's buffers fill
            }
            while (true) {
                WireClient.Frame frame = client.nextFrameShared();
                byte[] b = frame.data();
                int size = frame.length();
                if (frame.opcode() == 0x2) {
                    ByteBuffer h = ByteBuffer.wrap(b, 0, size);
                    if (size < LogFrame.HEADER_BYTES
                            || h.get(0) != LogFrame.KIND_JOB_LOG
                            || h.getLong(1) != id.getMostSignificantBits()
                            || h.getLong(9) != id.getLeastSignificantBits()) {
                        continue; // another kind, or another job
                    }
                    long s = h.getLong(17);
                    if (s != seq + 1 && seqProblem == null) {
                        seqProblem = "seq " + s + " after " + seq;
                    }
                    seq = s;
                    int length = size - LogFrame.HEADER_BYTES;
                    if (h.get(25) == 1) { // stdout
                        stdout.update(b, LogFrame.HEADER_BYTES, length);
                    } else {
                        other += length;
                    }
                    maxLag = Math.max(maxLag, client.receivedAt() - h.getLong(26) * 1000);
                } else {
                    var message = CODEC.decode(new String(b, 0, size, StandardCharsets.UTF_8));
                    if (message instanceof Response.JobDone d && jobId.equals(d.jobId())) {
                        return new Result(
                                index,
                                true,
                                false,
                                null,
                                seq,
                                seqProblem,
                                stdout.finish(),
                                other,
                                client.receivedAt(),
                                maxLag,
                                refusedJoins);
                    }
                    if (message instanceof Response.ErrorReply e
                            && e.code() == ErrorCode.STORE_UNAVAILABLE
                            && refusedJoins < JOIN_RETRIES) {
                        // "vmo retries by itself, so try again shortly": as a client does, join again
                        refusedJoins++;
                        Thread.sleep(200);
                        client.send(new Request.JoinJob(client.nextId(), jobId, seq));
                        continue;
                    }
                    if (message instanceof Response.ErrorReply e) {
                        return new Result(
                                index,
                                false,
                                false,
                                "error from the daemon: " + e.message(),
                                seq,
                                seqProblem,
                                stdout.finish(),
                                other,
                                0,
                                maxLag,
                                refusedJoins);
                    }
                }
            }
        } catch (IllegalStateException e) { // a close frame
            return cut(true, e.getMessage(), stdout, other, seqProblem, maxLag);
        } catch (UncheckedIOException e) {
            if (closedByUs) {
                return cut(false, "did not finish in time; closed by the benchmark", stdout, other, seqProblem, maxLag);
            }
            if (e.getCause() instanceof SocketTimeoutException) {
                return cut(
                        false,
                        "nothing arrived for " + readTimeoutMillis / 1000 + " s",
                        stdout,
                        other,
                        seqProblem,
                        maxLag);
            }
            return cut(true, "the connection closed (" + e.getCause() + ")", stdout, other, seqProblem, maxLag);
        } catch (Exception | Error e) {
            return cut(false, String.valueOf(e), stdout, other, seqProblem, maxLag);
        } finally {
            client.close();
        }
    }

    private Result cut(boolean dropped, String why, Digest stdout, long other, String seqProblem, long maxLag) {
        String problem = (dropped ? "dropped by the daemon" : "cut short") + " after seq " + seq + ": " + why;
        return new Result(
                index,
                false,
                dropped && !closedByUs,
                problem,
                seq,
                seqProblem,
                stdout.finish(),
                other,
                0,
                maxLag,
                refusedJoins);
    }
}
