package io.vmo.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.daemon.job.Chunk;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventWriterTest {

    private final UUID job = UUID.randomUUID();

    /** A store that fails its first calls, as a database restart or a dropped connection would. */
    private static final class FlakyStore implements EventWriter.Sink {
        final AtomicInteger failuresLeft;
        final List<Chunk> stored = new ArrayList<>();
        final List<EventWriter.Ending> endings = new ArrayList<>();
        int batches;

        FlakyStore(int failures) {
            failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public synchronized EventWriter.Written write(List<Chunk> chunks, List<EventWriter.Ending> ends,
                boolean durable) throws Exception {
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
        try (EventWriter writer = new EventWriter(store, Duration.ofMillis(1))) {
            for (int seq = 1; seq <= 1000; seq++) {
                writer.append(chunk(seq));
            }
            writer.end(new EventWriter.Ending(job, JobStatus.SUCCESS, 0, Instant.now())).get(10, TimeUnit.SECONDS);
        }
        assertThat(store.stored).extracting(Chunk::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 1000).boxed().toList());
        assertThat(store.endings).hasSize(1);
        assertThat(store.batches).as("many chunks per write").isLessThan(100);
    }

    @Test
    void aBarrierCompletesOnlyOnceEarlierChunksAreStored() throws Exception {
        FlakyStore store = new FlakyStore(2);
        try (EventWriter writer = new EventWriter(store, Duration.ofMillis(20))) {
            writer.append(chunk(1));
            writer.barrier().get(10, TimeUnit.SECONDS);
            synchronized (store) {
                assertThat(store.stored).extracting(Chunk::seq).containsExactly(1L);
            }
        }
    }

    /**
     * A store that keeps what was committed without a flush apart, and loses it when it "crashes" (its third write
     * fails), as PostgreSQL may; rows already stored are skipped, as the real insert does. Its log is flushed only
     * by durable writes.
     */
    private static final class CrashingStore implements EventWriter.Sink {
        final List<Chunk> flushed = new ArrayList<>();
        final List<Chunk> unflushed = new ArrayList<>();
        final List<EventWriter.Ending> endings = new ArrayList<>();
        int writes;
        int lostInCrash;

        @Override
        public synchronized EventWriter.Written write(List<Chunk> chunks, List<EventWriter.Ending> ends,
                boolean durable) throws Exception {
            if (++writes == 1) {
                Thread.sleep(200); // output queues up behind the first batch, so the next ones do not wait
            }
            if (writes == 3) {
                lostInCrash = unflushed.size();
                unflushed.clear();
                throw new java.sql.SQLException("server closed the connection unexpectedly");
            }
            for (Chunk c : chunks) {
                if (flushed.stream().noneMatch(f -> f.seq() == c.seq()) && unflushed.stream().noneMatch(f -> f.seq() == c.seq())) {
                    unflushed.add(c);
                }
            }
            endings.addAll(ends);
            if (durable) {
                flushed.addAll(unflushed);
                unflushed.clear();
            }
            return new EventWriter.Written(writes, unflushed.isEmpty() ? writes : 0);
        }
    }

    @Test
    void outputCommittedWithoutAFlushIsWrittenAgainWhenTheStoreLosesIt() throws Exception {
        CrashingStore store = new CrashingStore();
        try (EventWriter writer = new EventWriter(store, Duration.ofMillis(1))) {
            for (int seq = 1; seq <= 5000; seq++) {
                writer.append(chunk(seq));
            }
            writer.end(new EventWriter.Ending(job, JobStatus.SUCCESS, 0, Instant.now())).get(10, TimeUnit.SECONDS);
            synchronized (store) {
                assertThat(store.lostInCrash).as("the crash lost unflushed output").isPositive();
                assertThat(store.unflushed).as("the end waits for the flush").isEmpty();
                assertThat(store.flushed).extracting(Chunk::seq)
                        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 5000).boxed().toList());
                assertThat(store.endings).hasSize(1);
            }
        }
    }

    private Chunk chunk(long seq) {
        return new Chunk(job, seq, LogStream.STDOUT, Instant.now(), ("line " + seq + "\n").getBytes());
    }
}
