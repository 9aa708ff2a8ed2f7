package io.vmo.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What this machine can do at best, now, for the throughput phase's work: the same command's output read in the
 * daemon's 64 KB chunks, each chunk inserted into PostgreSQL by the daemon's own statement (a scratch copy of
 * {@code job_events}, same columns and storage; transactions of ≤ 2 MiB with {@code synchronous_commit = off}, the
 * last one durable, after waiting up to 3 ms for more, as the daemon's writer does) and sent over a loopback TCP socket to a reader that counts it — by the least code that does
 * it: one thread per part, no framing, no tail, no protocol. The raw pipe says how fast the command writes; this
 * says how fast a machine this busy can also store and deliver it, measured minutes from vmo's own run, so that a
 * slower machine (the same code has measured 66 and 104 MB/s here on different days) is told apart from a slower
 * vmo.
 */
final class Ceiling {

    private static final int CHUNK = 64 * 1024;
    private static final int BATCH_BYTES = 2 * 1024 * 1024;
    private static final byte[] END = new byte[0];
    /**
     * How long a transaction waits for more chunks, as the daemon's writer does (3 ms): committing whatever was
     * queued at once made 64 KB transactions and cost PostgreSQL twice vmo's CPU per byte.
     */
    private static final long LINGER_MS = 3;

    record Result(double seconds, long bytes, Machine.Cpu cpu) {
        double mbps() {
            return bytes / 1e6 / seconds;
        }
    }

    private final BenchProject project;
    private final Path pgData;

    Ceiling(BenchProject project, Path pgData) {
        this.project = project;
        this.pgData = pgData;
    }

    /** One run; {@code db} is a session of its own (its autocommit is changed). */
    Result run(Path file, long expectedBytes, Connection db) throws Exception {
        try (Statement s = db.createStatement()) {
            s.execute("drop table if exists bench_ceiling");
            s.execute("create table bench_ceiling (like job_events including all)");
        }
        try {
            Machine.Cpu before = Machine.Cpu.sample(-1, pgData);
            long t0 = System.nanoTime();
            long[] stored = new long[1];
            long received;
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                    Socket in = server.accept()) {
                // Threads of their own: the common pool has one thread on two cores.
                CompletableFuture<Long> reader = new CompletableFuture<>();
                Thread.ofPlatform().name("ceiling-reader").start(() -> reader.complete(drain(in)));
                BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(256);
                CompletableFuture<Void> writer = new CompletableFuture<>();
                Thread.ofPlatform().name("ceiling-writer").start(() -> {
                    try {
                        store(queue, db, stored);
                        writer.complete(null);
                    } catch (RuntimeException e) {
                        writer.completeExceptionally(e);
                    }
                });
                Process p = new ProcessBuilder(project.argv("flood", List.of("FILE=" + file)))
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                p.getOutputStream().close();
                try (InputStream stdout = p.getInputStream();
                        OutputStream socket = out.getOutputStream()) {
                    byte[] buf = new byte[CHUNK];
                    int n;
                    while ((n = stdout.read(buf)) > 0) {
                        byte[] chunk = Arrays.copyOf(buf, n);
                        queue.put(chunk);
                        socket.write(chunk);
                    }
                    queue.put(END);
                }
                p.waitFor();
                writer.get(300, TimeUnit.SECONDS);
                received = reader.get(300, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Machine.Cpu cpu = Machine.Cpu.sample(-1, pgData).minus(before);
            if (received != expectedBytes || stored[0] != expectedBytes) {
                throw new IllegalStateException("the ceiling run delivered " + received + " and stored " + stored[0]
                        + " bytes, expected " + expectedBytes);
            }
            return new Result(seconds, expectedBytes, cpu);
        } finally {
            db.setAutoCommit(true);
            try (Statement s = db.createStatement()) {
                s.execute("drop table if exists bench_ceiling");
            }
        }
    }

    private static long drain(Socket in) {
        long count = 0;
        byte[] buf = new byte[CHUNK];
        // a failure shows as a short count, which run() reports
        try (InputStream stream = in.getInputStream()) {
            int n;
            while ((n = stream.read(buf)) > 0) {
                count += n;
            }
        } catch (java.io.IOException e) {
            // run() reports the short count
        }
        return count;
    }

    /** Takes chunks off the queue into transactions of up to 2 MiB, as the daemon's writer does. */
    private static void store(BlockingQueue<byte[]> queue, Connection db, long[] stored) {
        UUID job = UUID.randomUUID();
        long seq = 0;
        try (PreparedStatement insert = db.prepareStatement("""
                insert into bench_ceiling (job_id, seq, ts, stream, data) values (?, ?, ?, ?, ?)
                on conflict (job_id, seq) do nothing
                """)) {
            db.setAutoCommit(false);
            boolean ended = false;
            List<byte[]> batch = new ArrayList<>();
            while (!ended) {
                batch.clear();
                batch.add(queue.take());
                long bytes = batch.getFirst().length;
                while (bytes < BATCH_BYTES) {
                    byte[] next = queue.poll(LINGER_MS, TimeUnit.MILLISECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    bytes += next.length;
                }
                ended = batch.getLast() == END;
                try (Statement s = db.createStatement()) {
                    s.execute(ended ? "set local synchronous_commit = on" : "set local synchronous_commit = off");
                }
                for (byte[] chunk : batch) {
                    if (chunk == END) {
                        continue;
                    }
                    insert.setObject(1, job);
                    insert.setLong(2, ++seq);
                    insert.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
                    insert.setString(4, "stdout");
                    insert.setBytes(5, chunk);
                    insert.addBatch();
                    stored[0] += chunk.length;
                }
                insert.executeBatch();
                db.commit();
            }
        } catch (Exception e) {
            throw new IllegalStateException("the ceiling's writer: " + e, e);
        }
    }
}
