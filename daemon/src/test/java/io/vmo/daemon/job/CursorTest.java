package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The no-gap, no-duplicate rule of the live path, with a fake store and a fake connection. */
class CursorTest {

    private final UUID job = UUID.randomUUID();
    /** Every event the job wrote, as the store would have it once written. */
    private final List<Chunk> stored = new ArrayList<>();

    private int pageReads;

    /** A connection that runs tasks only when told to, and takes {@code room} messages before it is full. */
    private static final class FakeViewer implements Subscriber {
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final List<Response> received = new ArrayList<>();
        int room = Integer.MAX_VALUE;
        int flushes;

        @Override
        public void send(Response message) {
            received.add(message);
        }

        @Override
        public Executor executor() {
            return tasks::add;
        }

        @Override
        public boolean writable() {
            return room > 0;
        }

        @Override
        public void write(Response message) {
            received.add(message);
            room--;
        }

        @Override
        public void flush() {
            flushes++;
        }

        /** Runs what is queued, including what that queues, until nothing is left. */
        void runAll() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }

        List<Long> seqs() {
            return received.stream()
                    .filter(r -> r instanceof Response.JobLog)
                    .map(r -> ((Response.JobLog) r).seq())
                    .toList();
        }

        boolean done() {
            return !received.isEmpty() && received.getLast() instanceof Response.JobDone;
        }
    }

    private Chunk chunk(long seq, int bytes) {
        Chunk c = new Chunk(job, seq, LogStream.STDOUT, Instant.now(), new byte[bytes]);
        stored.add(c);
        return c;
    }

    private List<Chunk> page(UUID id, JobLog log, long after, long upTo, int limit) {
        pageReads++;
        return stored.stream()
                .filter(c -> c.seq() > after && c.seq() <= upTo)
                .limit(limit)
                .toList();
    }

    private Cursor cursor(JobLog log, long position, FakeViewer viewer, List<Cursor> finished) {
        Executor inline = Runnable::run; // the "store" answers at once, on the caller
        return new Cursor(job, log, position, viewer, this::page, Ration.none(), inline, finished::add);
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static Response.JobDone done(long at) {
        return new Response.JobDone(null, "j", JobStatus.SUCCESS, 0, Instant.ofEpochSecond(at));
    }

    @Test
    void aViewerThatKeepsUpGetsEveryEventFromMemoryOnceAndInOrderThenTheEnd() {
        JobLog log = new JobLog(0);
        FakeViewer viewer = new FakeViewer();
        List<Cursor> finished = new ArrayList<>();
        Cursor cursor = cursor(log, 0, viewer, finished);
        for (long seq = 1; seq <= 100; seq++) {
            log.append(chunk(seq, 100));
            cursor.wake();
            if (seq % 7 == 0) {
                viewer.runAll();
            }
        }
        log.end(done(1));
        cursor.wake();
        viewer.runAll();
        assertThat(viewer.seqs()).containsExactlyElementsOf(seqs(1, 100));
        assertThat(viewer.done()).isTrue();
        assertThat(finished).containsExactly(cursor);
        assertThat(pageReads).as("all from memory").isZero();
    }

    @Test
    void newOutputWakesOnlyACursorThatHasSentEverything() {
        JobLog log = new JobLog(0);
        FakeViewer viewer = new FakeViewer();
        viewer.room = 1;
        Cursor cursor = cursor(log, 0, viewer, new ArrayList<>());
        log.append(chunk(1, 10));
        cursor.wake();
        viewer.runAll();
        log.append(chunk(2, 10)); // the connection is full: it is the connection that wakes it
        cursor.outputArrived();
        assertThat(viewer.tasks).isEmpty();
        viewer.room = 100;
        cursor.wake();
        viewer.runAll();
        assertThat(viewer.seqs()).containsExactly(1L, 2L);
        log.append(chunk(3, 10)); // it has sent everything: new output wakes it
        cursor.outputArrived();
        assertThat(viewer.tasks).hasSize(1);
        viewer.runAll();
        assertThat(viewer.seqs()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void wakesCoalesceIntoOneTurnWhileOneIsPending() {
        JobLog log = new JobLog(0);
        FakeViewer viewer = new FakeViewer();
        Cursor cursor = cursor(log, 0, viewer, new ArrayList<>());
        for (long seq = 1; seq <= 50; seq++) {
            log.append(chunk(seq, 10));
            cursor.wake();
        }
        assertThat(viewer.tasks).hasSize(1);
        viewer.runAll();
        assertThat(viewer.seqs()).containsExactlyElementsOf(seqs(1, 50));
    }

    @Test
    void aFullConnectionStopsTheCursorAndRoomLetsItGoOnWithoutAGapOrADuplicate() {
        JobLog log = new JobLog(0);
        FakeViewer viewer = new FakeViewer();
        viewer.room = 3;
        Cursor cursor = cursor(log, 0, viewer, new ArrayList<>());
        for (long seq = 1; seq <= 20; seq++) {
            log.append(chunk(seq, 300 << 10)); // more than a slice each: one event per turn
        }
        cursor.wake();
        viewer.runAll();
        assertThat(viewer.seqs()).containsExactlyElementsOf(seqs(1, 3));
        viewer.room = 100;
        cursor.wake(); // what the connection's writability change does
        viewer.runAll();
        assertThat(viewer.seqs()).containsExactlyElementsOf(seqs(1, 20));
    }

    @Test
    void aViewerBehindTheTailReadsTheStoreInPagesThenRejoinsTheTail() {
        JobLog log = new JobLog(0);
        long total = 400; // 400 x 64 KiB = 25 MiB, far beyond the tail
        for (long seq = 1; seq <= total; seq++) {
            log.append(chunk(seq, 64 << 10));
            log.durableUpTo(seq);
        }
        assertThat(log.beforeTail()).as("the tail let go of what is on disk").isGreaterThan(300);
        FakeViewer viewer = new FakeViewer();
        Cursor cursor = cursor(log, 0, viewer, new ArrayList<>());
        cursor.wake();
        viewer.runAll();
        log.append(chunk(total + 1, 10));
        cursor.wake();
        viewer.runAll();
        assertThat(viewer.seqs()).containsExactlyElementsOf(seqs(1, total + 1));
        assertThat(pageReads).isGreaterThanOrEqualTo((int) (log.beforeTail() / Cursor.PAGE_EVENTS));
    }

    @Test
    void theTailKeepsWhatIsNotOnDiskYetHoweverLarge() {
        JobLog log = new JobLog(0);
        for (long seq = 1; seq <= 200; seq++) {
            log.append(chunk(seq, 64 << 10)); // 12.5 MiB, none durable (the store is down)
        }
        assertThat(log.beforeTail()).isZero();
        log.durableUpTo(100);
        assertThat(log.beforeTail()).isBetween(1L, 100L);
        FakeViewer viewer = new FakeViewer();
        cursor(log, 150, viewer, new ArrayList<>()).wake();
        viewer.runAll();
        assertThat(viewer.seqs()).containsExactlyElementsOf(seqs(151, 200));
    }

    @Test
    void aClosedCursorSendsNothingMore() {
        JobLog log = new JobLog(0);
        FakeViewer viewer = new FakeViewer();
        Cursor cursor = cursor(log, 0, viewer, new ArrayList<>());
        log.append(chunk(1, 10));
        cursor.wake();
        cursor.close();
        viewer.runAll();
        assertThat(viewer.received).isEmpty();
    }

    @Test
    void aFinishedJobIsReplayedFromTheStoreThenItsEnd() {
        for (long seq = 1; seq <= 40; seq++) {
            chunk(seq, 10);
        }
        JobLog log = JobLog.finished(40, done(2));
        FakeViewer viewer = new FakeViewer();
        List<Cursor> finished = new ArrayList<>();
        cursor(log, 10, viewer, finished).wake();
        viewer.runAll();
        assertThat(viewer.seqs()).containsExactlyElementsOf(seqs(11, 40));
        assertThat(viewer.done()).isTrue();
        assertThat(finished).hasSize(1);
    }

    @Test
    void aStoreThatCannotAnswerIsAskedAgainLaterAndNothingIsSkipped() {
        JobLog log = JobLog.finished(5, done(3));
        FakeViewer viewer = new FakeViewer();
        List<Runnable> later = new ArrayList<>();
        int[] calls = {0};
        Cursor cursor = new Cursor(
                job,
                log,
                0,
                viewer,
                (id, pageLog, after, upTo, limit) -> {
                    if (calls[0]++ == 0) {
                        throw new IllegalStateException("store down");
                    }
                    return LongStream.rangeClosed(after + 1, upTo)
                            .mapToObj(s -> new Chunk(job, s, LogStream.STDOUT, Instant.now(), new byte[1]))
                            .toList();
                },
                Ration.none(),
                later::add,
                c -> {});
        cursor.wake();
        viewer.runAll();
        later.removeFirst().run(); // the page read: fails
        viewer.runAll();
        assertThat(viewer.received).isEmpty();
        cursor.wake(); // what the retry timer does
        viewer.runAll();
        later.removeFirst().run();
        viewer.runAll();
        assertThat(viewer.seqs()).containsExactlyElementsOf(seqs(1, 5));
        assertThat(viewer.done()).isTrue();
    }

    @Test
    void attachStartsWhereTheNewestOutputCoversEnoughBytes() {
        JobLog log = new JobLog(0);
        for (long seq = 1; seq <= 10; seq++) {
            log.append(chunk(seq, 1000));
        }
        assertThat(log.startCovering(2500)).isEqualTo(7); // events 8, 9, 10
        assertThat(log.startCovering(50_000)).as("all of it, from the start").isZero();
    }
}
