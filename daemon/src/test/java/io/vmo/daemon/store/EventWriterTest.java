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
        public synchronized void write(List<Chunk> chunks, List<EventWriter.Ending> ends) throws Exception {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new java.sql.SQLException("connection refused");
            }
            batches++;
            stored.addAll(chunks);
            endings.addAll(ends);
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

    private Chunk chunk(long seq) {
        return new Chunk(job, seq, LogStream.STDOUT, Instant.now(), ("line " + seq + "\n").getBytes());
    }
}
