package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.protocol.LogStream;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the tail keeps in memory: only what the store lacks, or a reader still needs, up to its bound. */
class JobLogTailTest {

    private final UUID job = UUID.randomUUID();
    private final JobLog log = new JobLog(0);

    private void append(long seq, int bytes) {
        log.append(new Chunk(job, seq, LogStream.STDOUT, Instant.EPOCH, new byte[bytes]));
    }

    @Test
    void aJobNobodyWatchesKeepsOnlyWhatIsNotOnDiskYet() {
        for (long seq = 1; seq <= 10; seq++) {
            append(seq, 1000);
        }
        assertThat(log.beforeTail()).isZero(); // nothing durable: all of it is kept
        log.durableUpTo(7);
        assertThat(log.beforeTail()).isEqualTo(7);
    }

    @Test
    void aReaderThatKeepsUpLetsGoOfWhatItHas() {
        Object reader = new Object();
        for (long seq = 1; seq <= 10; seq++) {
            append(seq, 1000);
        }
        assertThat(log.read(reader, 4, Long.MAX_VALUE)).isInstanceOf(JobLog.Events.class);
        log.durableUpTo(10);
        assertThat(log.beforeTail()).isEqualTo(4); // the reader still needs 5..10
        assertThat(log.read(reader, 10, Long.MAX_VALUE)).isInstanceOf(JobLog.UpToDate.class);
        log.durableUpTo(10);
        assertThat(log.beforeTail()).isEqualTo(10);
    }

    @Test
    void aReaderThatHasJoinedHoldsTheTailBeforeItsFirstRead() {
        Object reader = new Object();
        log.join(reader, 0); // its connection's thread has not run it yet
        for (long seq = 1; seq <= 10; seq++) {
            append(seq, 1000);
        }
        log.durableUpTo(10);
        assertThat(log.beforeTail()).isZero();
        assertThat(log.read(reader, 0, Long.MAX_VALUE)).isInstanceOf(JobLog.Events.class);
    }

    @Test
    void aReaderFarBehindKeepsNoMoreThanTheBound() {
        Object reader = new Object();
        log.read(reader, 0, 1);
        int chunk = 64 << 10;
        long events = 4 * JobLog.TAIL_BYTES / chunk;
        for (long seq = 1; seq <= events; seq++) {
            append(seq, chunk);
        }
        log.durableUpTo(events);
        long kept = (events - log.beforeTail()) * chunk;
        assertThat(kept).isBetween(JobLog.TAIL_BYTES - chunk, JobLog.TAIL_BYTES);
        assertThat(log.read(reader, 0, 1)).isEqualTo(new JobLog.Behind(log.beforeTail()));
    }

    @Test
    void outputNotOnDiskYetDoesNotCountAgainstTheBound() {
        // A flood: the writer is 4 × the bound behind the pump, and a reader is a little behind what is on disk.
        // What it still needs of the stored output is kept; before, the output not yet stored filled the bound,
        // and a reader two events behind what is stored was sent to the store for them.
        Object reader = new Object();
        int chunk = 64 << 10;
        long stored = 16;
        long events = stored + 4 * JobLog.TAIL_BYTES / chunk;
        for (long seq = 1; seq <= events; seq++) {
            append(seq, chunk);
        }
        log.read(reader, stored - 2, 1);
        log.durableUpTo(stored);
        assertThat(log.beforeTail()).isEqualTo(stored - 2);
        assertThat(log.read(reader, stored - 2, 1)).isInstanceOf(JobLog.Events.class);
    }

    @Test
    void aReaderThatLeavesNoLongerHoldsTheTail() {
        Object reader = new Object();
        log.read(reader, 0, 1);
        for (long seq = 1; seq <= 5; seq++) {
            append(seq, 1000);
        }
        log.durableUpTo(5);
        assertThat(log.beforeTail()).isZero();
        log.leave(reader);
        assertThat(log.beforeTail()).isEqualTo(5);
    }

    @Test
    void theSlowestOfSeveralReadersDecides() {
        Object fast = new Object();
        Object slow = new Object();
        for (long seq = 1; seq <= 10; seq++) {
            append(seq, 1000);
        }
        log.read(fast, 9, Long.MAX_VALUE);
        log.read(slow, 3, Long.MAX_VALUE);
        log.durableUpTo(10);
        assertThat(log.beforeTail()).isEqualTo(3);
    }
}
