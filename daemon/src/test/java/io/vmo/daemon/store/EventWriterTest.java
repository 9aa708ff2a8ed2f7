package io.vmo.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.daemon.job.Chunk;
import io.vmo.daemon.job.Ending;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class EventWriterTest {

    private final UUID job = UUID.randomUUID();
    private final StoreHealth health = new StoreHealth(Clock.systemUTC());

    /** A store that fails its first calls, as a database restart or a dropped connection would. */
    private static final class FlakyStore implements EventWriter.Sink {
        final AtomicInteger failuresLeft;
        final List<Chunk> stored = new ArrayList<>();
        final List<Ending> endings = new ArrayList<>();
        int batches;

        FlakyStore(int failures) {
            failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public synchronized EventWriter.Written write(List<Chunk> chunks, List<Ending> ends, boolean durable)
                throws Exception {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new java.sql.SQLException("connection refused");
            }
            batches++;
            stored.addAll(chunks);
            endings.addAll(ends);
            return new EventWriter.Written(batches, batches); // flushed at once
        }
    }

    @Test
    void retriesFailedWritesUntilEverythingIsStoredOnceAndInOrder() throws Exception {
        FlakyStore store = new FlakyStore(4);
        try (EventWriter writer = new EventWriter(store, health, Duration.ofMillis(1))) {
            for (int seq = 1; seq <= 1000; seq++) {
                writer.append(chunk(seq));
            }
            writer.end(ending()).get(10, TimeUnit.SECONDS);
        }
        assertThat(store.stored).extracting(Chunk::seq).containsExactlyElementsOf(seqs(1, 1000));
        assertThat(store.endings).hasSize(1);
        assertThat(store.batches).as("many chunks per write").isLessThan(100);
        assertThat(health.status().ok()).isTrue();
    }

    @Test
    void aBarrierCompletesOnlyOnceEarlierChunksAreStored() throws Exception {
        FlakyStore store = new FlakyStore(2);
        try (EventWriter writer = new EventWriter(store, health, Duration.ofMillis(20))) {
            writer.append(chunk(1));
            writer.barrier().get(10, TimeUnit.SECONDS);
            synchronized (store) {
                assertThat(store.stored).extracting(Chunk::seq).containsExactly(1L);
            }
        }
    }

    @Test
    void aFailingStoreIsReportedDownUntilAWriteSucceeds() throws Exception {
        CountDownLatch failing = new CountDownLatch(1);
        EventWriter.Sink store = (chunks, ends, durable) -> {
            if (failing.getCount() > 0) {
                throw new java.sql.SQLException("ERROR: could not extend file: No space left on device");
            }
            return new EventWriter.Written(1, 1);
        };
        try (EventWriter writer = new EventWriter(store, health, Duration.ofMillis(20))) {
            writer.append(chunk(1));
            await(() -> !health.status().ok());
            assertThat(health.status().problem()).contains("No space left on device");
            failing.countDown();
            writer.end(ending()).get(10, TimeUnit.SECONDS);
            assertThat(health.status().ok()).isTrue();
        }
    }

    /**
     * A store with a write-ahead log as PostgreSQL's: every write commits at the next position; the log is flushed
     * by a durable write that wrote something of its own (a durable write with nothing new to write commits
     * without waiting, as in PostgreSQL's RecordTransactionCommit), and a crash loses every commit after the
     * flushed position and makes the next write fail. Rows already stored are skipped, as the real insert does.
     */
    private static final class WalStore implements EventWriter.Sink {
        record Row(Chunk chunk, long lsn) {}

        final TreeMap<Long, Row> rows = new TreeMap<>();
        final List<Ending> endings = new ArrayList<>();
        long lsn;
        long flushed;
        boolean crashOnNextWrite;
        boolean flushes = true;
        int lostInCrash;

        @Override
        public synchronized EventWriter.Written write(List<Chunk> chunks, List<Ending> ends, boolean durable)
                throws Exception {
            if (crashOnNextWrite) {
                crashOnNextWrite = false;
                int before = rows.size();
                rows.values().removeIf(r -> r.lsn() > flushed);
                lostInCrash = before - rows.size();
                throw new java.sql.SQLException("server closed the connection unexpectedly");
            }
            boolean wrote = false;
            for (Chunk c : chunks) {
                if (!rows.containsKey(c.seq())) {
                    rows.put(c.seq(), new Row(c, ++lsn));
                    wrote = true;
                }
            }
            endings.addAll(ends);
            wrote |= !ends.isEmpty();
            long commit = ++lsn;
            if (durable && wrote && flushes) {
                flushed = commit;
            }
            return new EventWriter.Written(commit, flushed);
        }

        synchronized List<Long> storedSeqs() {
            return List.copyOf(rows.keySet());
        }
    }

    @Test
    void outputIsForgottenOnlyOnceTheStoreSaysItsCommitIsFlushed() throws Exception {
        WalStore store = new WalStore();
        try (EventWriter writer = new EventWriter(store, health, Duration.ofMillis(1))) {
            for (int seq = 1; seq <= 100; seq++) {
                writer.append(chunk(seq));
            }
            writer.barrier().get(10, TimeUnit.SECONDS);
            Thread.sleep(300); // quiet: the writer asks for a flush, which a write with nothing new does not do
            synchronized (store) {
                store.crashOnNextWrite = true;
            }
            for (int seq = 101; seq <= 200; seq++) {
                writer.append(chunk(seq));
            }
            writer.end(ending()).get(10, TimeUnit.SECONDS);
        }
        assertThat(store.lostInCrash)
                .as("the crash lost output committed without a flush")
                .isPositive();
        assertThat(store.storedSeqs()).containsExactlyElementsOf(seqs(1, 200));
        assertThat(store.endings).isNotEmpty();
    }

    @Test
    void outputCommittedWithoutAFlushIsWrittenAgainWhenTheStoreLosesIt() throws Exception {
        WalStore store = new WalStore();
        try (EventWriter writer = new EventWriter(store, health, Duration.ofMillis(1))) {
            for (int seq = 1; seq <= 5000; seq++) {
                writer.append(chunk(seq));
                if (seq == 2500) {
                    synchronized (store) {
                        store.crashOnNextWrite = true; // mid-flood
                    }
                }
            }
            writer.end(ending()).get(10, TimeUnit.SECONDS);
        }
        assertThat(store.storedSeqs()).containsExactlyElementsOf(seqs(1, 5000));
        assertThat(store.endings).isNotEmpty();
    }

    @Test
    void aJobsEndIsAnnouncedOnlyOnceTheStoreHasFlushedIt() throws Exception {
        WalStore store = new WalStore();
        store.flushes = false; // the flush lags
        try (EventWriter writer = new EventWriter(store, health, Duration.ofMillis(1))) {
            writer.append(chunk(1));
            CompletableFuture<Void> end = writer.end(ending());
            Thread.sleep(300);
            assertThat(end).as("committed, not yet flushed").isNotDone();
            synchronized (store) {
                store.flushes = true;
            }
            writer.append(chunk(2)); // the next durable write flushes everything before it
            writer.end(ending()).get(10, TimeUnit.SECONDS);
            end.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void producersWaitForRoomWhileTheStoreIsDownButAppendingNeverBlocks() throws Exception {
        CountDownLatch storeBack = new CountDownLatch(1);
        EventWriter.Sink store = (chunks, ends, durable) -> {
            if (storeBack.getCount() > 0) {
                throw new java.sql.SQLException("connection refused");
            }
            return new EventWriter.Written(1, 1);
        };
        try (EventWriter writer = new EventWriter(store, health, Duration.ofMillis(5))) {
            byte[] mib = new byte[1 << 20];
            for (int seq = 1; seq <= EventWriter.MAX_QUEUED_BYTES >> 20; seq++) {
                writer.awaitRoom();
                writer.append(new Chunk(job, seq, LogStream.STDOUT, Instant.now(), mib));
            }
            var waiting = CompletableFuture.runAsync(() -> {
                try {
                    writer.awaitRoom();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            assertThat(waiting).as("the queue is full").isNotDone();
            writer.append(chunk(65)); // vmo's own note: never waits
            storeBack.countDown();
            waiting.get(10, TimeUnit.SECONDS);
        }
    }

    private Chunk chunk(long seq) {
        return new Chunk(job, seq, LogStream.STDOUT, Instant.now(), ("line " + seq + "\n").getBytes());
    }

    private Ending ending() {
        return new Ending(job, JobStatus.SUCCESS, 0, Instant.now());
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
