package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.protocol.LogStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The tail: what it keeps, what it lets go of, and what it tells a reader. */
class JobLogTest {

    private static final int EVENT = 64 << 10;
    private final UUID job = UUID.randomUUID();
    private final JobLog log = new JobLog(0);
    /** A reader that has read nothing yet: for it, the tail keeps all it may (up to its bound). */
    private final Object behind = new Object();

    private Chunk chunk(long seq, int bytes) {
        return new Chunk(job, seq, LogStream.STDOUT, Instant.now(), new byte[bytes]);
    }

    private void append(long count, int bytes) {
        long first = log.lastSeq() + 1;
        for (long seq = first; seq < first + count; seq++) {
            log.append(chunk(seq, bytes));
        }
    }

    /** Bytes from the tail's first event on. */
    private long tailBytes() {
        long bytes = 0;
        Object probe = new Object();
        for (long seq = log.beforeTail(); seq < log.lastSeq(); ) {
            JobLog.Events events = (JobLog.Events) log.read(probe, seq, Long.MAX_VALUE);
            for (Chunk c : events.chunks()) {
                bytes += c.data().length;
                seq = c.seq();
            }
        }
        return bytes;
    }

    @Test
    void eventsMustFollowOnFromTheLast() {
        append(3, 1);
        assertThatThrownBy(() -> log.append(chunk(5, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event 5 after 3");
        assertThatThrownBy(() -> log.append(chunk(3, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(log.lastSeq()).isEqualTo(3);
    }

    @Test
    void onlyWhatIsOnDiskIsLetGoAndThenOnlyDownToTheTailsSize() {
        log.read(behind, 0, 1);
        long events = 2 * JobLog.TAIL_BYTES / EVENT;
        append(events, EVENT);
        assertThat(log.beforeTail()).as("nothing is durable yet: all kept").isZero();

        log.durableUpTo(10);
        assertThat(log.beforeTail())
                .as("what is durable is kept while the reader needs it")
                .isZero();
        log.leave(behind);
        assertThat(log.beforeTail())
                .as("then let go of, but only up to what is durable")
                .isEqualTo(10);
        log.read(behind, 0, 1);

        log.durableUpTo(events);
        assertThat(tailBytes()).isBetween(JobLog.TAIL_BYTES - EVENT + 1, JobLog.TAIL_BYTES);
        assertThat(log.read(behind, 0, Long.MAX_VALUE)).isEqualTo(new JobLog.Behind(log.beforeTail()));
    }

    @Test
    void aDurableReportAheadOfTheTailIsKeptForTheEventsItCovers() {
        log.durableUpTo(5); // the writer's thread may report before the job's thread appends
        append(2 * JobLog.TAIL_BYTES / EVENT, EVENT);
        assertThat(log.beforeTail()).isEqualTo(5);
    }

    @Test
    void aReadTakesAboutTheBytesAskedForButAlwaysAtLeastOneEvent() {
        append(10, 100);
        log.append(chunk(11, 10_000));
        assertThat(((JobLog.Events) log.read(behind, 0, 250)).chunks())
                .extracting(Chunk::seq)
                .containsExactly(1L, 2L, 3L);
        assertThat(((JobLog.Events) log.read(behind, 10, 1)).chunks())
                .extracting(Chunk::seq)
                .containsExactly(11L);
        assertThat(log.read(behind, 11, 1)).isInstanceOf(JobLog.UpToDate.class);
    }

    @Test
    void attachAsksTheStoreWhenTheTailDoesNotReachBackFarEnough() {
        log.read(behind, 0, 1);
        append(2 * JobLog.TAIL_BYTES / EVENT, EVENT);
        log.durableUpTo(log.lastSeq());
        assertThat(log.startCovering(JobLog.TAIL_BYTES / 2)).isPositive();
        assertThat(log.startCovering(2 * JobLog.TAIL_BYTES)).as("ask the store").isEqualTo(-1);
        assertThat(new JobLog(7).startCovering(1))
                .as("an empty tail after stored events")
                .isEqualTo(-1);
    }

    @Test
    void aRunningJobsLogMayStartAfterEventsAlreadyStored() {
        JobLog resumed = new JobLog(40);
        assertThat(resumed.beforeTail()).isEqualTo(40);
        assertThat(resumed.read(behind, 40, 1)).isInstanceOf(JobLog.UpToDate.class);
        resumed.append(chunk(41, 1));
        assertThat(resumed.read(behind, 0, 1)).isEqualTo(new JobLog.Behind(40));
    }

    @Test
    void readersThatTakeNoLockSeeEveryEventOnceInOrderOrAreSentToTheStore() throws Exception {
        // One pump appending, the writer reporting durability, four readers reading at once: each reader gets a
        // run without gaps from the tail, or Behind with a seq up to which the store has everything.
        JobLog shared = new JobLog(0);
        long events = 20_000;
        var failures = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var durable = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> readers = new java.util.ArrayList<>();
        for (int r = 0; r < 4; r++) {
            readers.add(Thread.ofPlatform().start(() -> {
                Object me = new Object();
                long position = 0;
                while (position < events) {
                    switch (shared.read(me, position, 4096)) {
                        case JobLog.Events e -> {
                            for (Chunk c : e.chunks()) {
                                if (c.seq() != position + 1) {
                                    failures.add("seq " + c.seq() + " after " + position);
                                }
                                position = c.seq();
                            }
                        }
                        case JobLog.Behind b -> {
                            if (b.upToSeq() <= position || b.upToSeq() > durable.get()) {
                                failures.add("behind up to " + b.upToSeq() + " at " + position + ", durable "
                                        + durable.get());
                            }
                            position = b.upToSeq(); // as if read from the store
                        }
                        default -> Thread.onSpinWait();
                    }
                }
                shared.leave(me);
            }));
        }
        for (long seq = 1; seq <= events; seq++) {
            shared.append(new Chunk(job, seq, LogStream.STDOUT, Instant.now(), new byte[512]));
            if (seq % 64 == 0) {
                durable.set(seq - 32);
                shared.durableUpTo(seq - 32);
            }
        }
        durable.set(events);
        shared.durableUpTo(events);
        for (Thread t : readers) {
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(failures).isEmpty();
    }
}
