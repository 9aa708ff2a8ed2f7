package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The no-gap rule with real threads: running jobs, cursors on connections' own loops, and a store whose pages the
 * test makes slow, empty, failing or short. Every viewer gets every seq once, in order, then the end once.
 */
class ViewersTest {

    /** Big enough that a few of them overflow the tail. */
    private static final int EVENT = 64 << 10;
    /** More than the tail holds: a viewer that took none of it must read the store. */
    private static final int FLOOD_EVENTS = (int) (3 * JobLog.TAIL_BYTES / EVENT);

    private final FakeStore store = new FakeStore();
    private final FakeWriter writer = new FakeWriter(store);
    private final Map<UUID, RunningJob> running = new ConcurrentHashMap<>();
    private final Viewers viewers = new Viewers(store::events, running::get);

    /** Pages that wait until the test lets the store answer, counting the reads that wait at once. */
    private final class HeldPages implements SharedPages.Store {
        private final CountDownLatch answer = new CountDownLatch(1);
        private final AtomicInteger inFlight = new AtomicInteger();
        private final Map<Integer, CompletableFuture<Void>> reached = new ConcurrentHashMap<>();
        /** Completes once a read has returned. */
        final CompletableFuture<Void> answered = new CompletableFuture<>();

        HeldPages() {
            store.pages = this;
        }

        @Override
        public List<Chunk> read(UUID id, long after, long upTo, int limit) {
            waiting(inFlight.incrementAndGet()).complete(null);
            try {
                answer.await();
                return store.stored(id, after, upTo, limit);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
                answered.complete(null);
            }
        }

        /** Completes once {@code reads} wait at once. */
        CompletableFuture<Void> waiting(int reads) {
            return reached.computeIfAbsent(reads, n -> new CompletableFuture<>());
        }

        void answer() {
            answer.countDown();
        }
    }

    ViewersTest() {
        writer.onDurable((id, seq) -> {
            RunningJob job = running.get(id);
            if (job != null) {
                job.log().durableUpTo(seq);
            }
        });
    }

    @AfterEach
    void stop() {
        viewers.close();
        writer.close();
    }

    private RunningJob start() {
        RunningJob job = new RunningJob(FakeStore.newJob(false), writer, Clock.systemUTC());
        running.put(job.id(), job);
        return job;
    }

    /** A running job that has written more than its tail holds, all of it stored. */
    private RunningJob flooded() throws Exception {
        RunningJob job = start();
        output(job, FLOOD_EVENTS, EVENT);
        durable();
        return job;
    }

    private static void output(RunningJob job, int events, int bytes) throws InterruptedException {
        for (int i = 0; i < events; i++) {
            job.output(LogStream.STDOUT, new byte[bytes]);
        }
    }

    /** Ends the job as the supervisor does, and waits until its end is stored and it has left memory. */
    private void end(RunningJob job) throws Exception {
        CompletableFuture<Void> gone = new CompletableFuture<>();
        job.end(JobStatus.SUCCESS, 0, () -> {
            running.remove(job.id());
            gone.complete(null);
        });
        gone.get(10, TimeUnit.SECONDS);
    }

    private void durable() throws Exception {
        writer.barrier().get(10, TimeUnit.SECONDS);
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static void assertGotAllOnce(FakeConnection viewer, long lastSeq) throws Exception {
        viewer.awaitDone();
        assertThat(viewer.seqs()).containsExactlyElementsOf(seqs(1, lastSeq));
        assertThat(viewer.ends()).hasSize(1);
    }

    @Test
    void aViewerThatFellBehindTheTailReadsPagesThenRejoinsTheTailWithEverySeqOnceAndInOrder() throws Exception {
        RunningJob job = start();
        AtomicInteger pageReads = new AtomicInteger();
        store.pages = (id, after, upTo, limit) -> {
            pageReads.incrementAndGet();
            return store.stored(id, after, upTo, limit);
        };
        try (FakeConnection stalled = new FakeConnection(0)) { // reads nothing for now
            viewers.follow(job.id(), job.log(), 0, stalled);
            output(job, FLOOD_EVENTS, EVENT);
            durable();
            assertThat(job.log().beforeTail())
                    .as("the tail let go of what is stored")
                    .isPositive();
            assertThat(stalled.seqs()).isEmpty();

            stalled.take(Long.MAX_VALUE, () -> viewers.resume(stalled));
            output(job, 100, 10); // while it catches up
            end(job);

            assertGotAllOnce(stalled, FLOOD_EVENTS + 100);
            assertThat(pageReads.get()).isPositive();
        }
    }

    @Test
    void aSlowStoreDelaysOnlyTheViewerThatReadsItAndItStillGetsEverySeqOnce() throws Exception {
        RunningJob job = flooded();
        HeldPages pages = new HeldPages();
        try (FakeConnection late = new FakeConnection();
                FakeConnection live = new FakeConnection()) {
            viewers.follow(job.id(), job.log(), job.log().lastSeq(), live);
            viewers.follow(job.id(), job.log(), 0, late);
            pages.waiting(1).get(5, TimeUnit.SECONDS);
            output(job, 10, EVENT); // the job and the other viewer go on meanwhile
            live.reached(FLOOD_EVENTS + 10).get(5, TimeUnit.SECONDS);
            late.settle();
            assertThat(late.seqs())
                    .as("nothing from the tail jumps ahead of the page")
                    .isEmpty();

            pages.answer();
            end(job);
            assertGotAllOnce(late, FLOOD_EVENTS + 10);
            assertThat(live.seqs()).containsExactlyElementsOf(seqs(FLOOD_EVENTS + 1, FLOOD_EVENTS + 10));
        }
    }

    @Test
    void pagesThatFailComeBackEmptyOrLackEventsAreAskedForAgainAndNothingIsSkipped() throws Exception {
        // Four jobs side by side, one way of going wrong each; the first read of each goes wrong.
        RunningJob failing = start();
        RunningJob empty = start();
        RunningJob late = start();
        RunningJob holey = start();
        Map<UUID, AtomicInteger> reads = new ConcurrentHashMap<>();
        store.pages = (id, after, upTo, limit) -> {
            List<Chunk> page = store.stored(id, after, upTo, limit);
            if (reads.computeIfAbsent(id, i -> new AtomicInteger()).getAndIncrement() > 0) {
                return page;
            }
            if (id.equals(failing.id())) {
                throw new IllegalStateException("connection refused");
            } else if (id.equals(empty.id())) {
                return List.of();
            } else if (id.equals(late.id())) {
                return page.subList(1, page.size()); // starts after a gap
            } else {
                return List.of(page.get(0), page.get(1), page.get(3)); // a hole after the second
            }
        };
        List<RunningJob> jobs = List.of(failing, empty, late, holey);
        for (RunningJob job : jobs) {
            output(job, FLOOD_EVENTS, EVENT);
        }
        durable();
        List<FakeConnection> connections = jobs.stream()
                .map(job -> {
                    FakeConnection viewer = new FakeConnection();
                    viewers.follow(job.id(), job.log(), 0, viewer);
                    return viewer;
                })
                .toList();
        try {
            for (RunningJob job : jobs) {
                end(job);
            }
            for (FakeConnection viewer : connections) {
                assertGotAllOnce(viewer, FLOOD_EVENTS);
            }
            assertThat(reads.get(holey.id()).get())
                    .as("the hole was read again at once, not after a retry")
                    .isGreaterThan(1);
        } finally {
            connections.forEach(FakeConnection::close);
        }
    }

    @Test
    void atMostAFewPagesAreReadAtOnceHoweverManyViewersAreBehind() throws Exception {
        RunningJob job = flooded();
        HeldPages pages = new HeldPages();
        List<FakeConnection> behind = LongStream.range(0, 3 * SharedPages.STORE_READERS)
                .mapToObj(i -> {
                    FakeConnection viewer = new FakeConnection();
                    viewers.follow(job.id(), job.log(), 0, viewer);
                    return viewer;
                })
                .toList();
        try {
            pages.waiting(SharedPages.STORE_READERS).get(5, TimeUnit.SECONDS);
            // Every other viewer is waiting for a reader: none gets in while they all are busy.
            assertThatThrownBy(
                            () -> pages.waiting(SharedPages.STORE_READERS + 1).get(200, TimeUnit.MILLISECONDS))
                    .isInstanceOf(TimeoutException.class);
            pages.answer();
            end(job);
            for (FakeConnection viewer : behind) {
                assertGotAllOnce(viewer, FLOOD_EVENTS);
            }
            assertThat(pages.waiting(SharedPages.STORE_READERS + 1))
                    .as("never more reads at once")
                    .isNotDone();
        } finally {
            behind.forEach(FakeConnection::close);
        }
    }

    @Test
    void aJobNeverWaitsForAViewerThatReadsNothing() throws Exception {
        RunningJob job = start();
        try (FakeConnection stalled = new FakeConnection(0)) {
            viewers.follow(job.id(), job.log(), 0, stalled);
            CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
                try {
                    output(job, 4 * FLOOD_EVENTS, EVENT); // 48 MiB while the viewer takes nothing
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            flood.get(30, TimeUnit.SECONDS);
            end(job);
            stalled.settle();
            assertThat(stalled.seqs()).isEmpty();
            assertThat(job.log().beforeTail()).as("the tail stayed bounded").isPositive();

            stalled.take(Long.MAX_VALUE, () -> viewers.resume(stalled));
            assertGotAllOnce(stalled, 4 * FLOOD_EVENTS);
        }
    }

    @Test
    void aViewerThatLeavesIsSentNothingMoreAndTheJobNoLongerWakesIt() throws Exception {
        RunningJob job = start();
        RunningJob other = start();
        try (FakeConnection viewer = new FakeConnection()) {
            viewers.follow(job.id(), job.log(), 0, viewer);
            viewers.follow(other.id(), other.log(), 0, viewer);
            output(job, 3, 10);
            viewer.reached(3).get(5, TimeUnit.SECONDS);

            viewers.leave(job.id(), viewer);
            viewer.settle();
            long turns = viewer.turns.get();
            output(job, 3, 10);
            end(job);
            viewer.settle();
            assertThat(viewer.seqs()).containsExactly(1L, 2L, 3L);
            assertThat(viewer.turns.get())
                    .as("no wake-ups for a cursor that left")
                    .isEqualTo(turns);

            output(other, 2, 10); // its other job still reaches it
            end(other);
            viewer.awaitDone();
            assertThat(viewer.events())
                    .filteredOn(e -> e.jobId().equals(other.id().toString()))
                    .hasSize(2);
        }
    }

    @Test
    void aViewerThatLeavesWhileItsPageIsReadIsSentNothingOfIt() throws Exception {
        RunningJob job = flooded();
        HeldPages pages = new HeldPages();
        try (FakeConnection viewer = new FakeConnection()) {
            viewers.follow(job.id(), job.log(), 0, viewer);
            pages.waiting(1).get(5, TimeUnit.SECONDS);
            viewers.leave(job.id(), viewer);
            pages.answer();
            pages.answered.get(5, TimeUnit.SECONDS);
            end(job);
            viewer.settle();
            assertThat(viewer.seqs()).isEmpty();
            assertThat(viewer.done()).isNotDone();
        }
    }

    @Test
    void aViewerThatHasGoneIsForgottenOnEveryJob() throws Exception {
        RunningJob first = start();
        RunningJob second = start();
        try (FakeConnection gone = new FakeConnection();
                FakeConnection staying = new FakeConnection()) {
            for (RunningJob job : List.of(first, second)) {
                viewers.follow(job.id(), job.log(), 0, gone);
                viewers.follow(job.id(), job.log(), 0, staying);
            }
            viewers.forget(gone);
            gone.settle();
            long turns = gone.turns.get();
            output(first, 2, 10);
            output(second, 2, 10);
            end(first);
            end(second);
            gone.settle();
            assertThat(gone.seqs()).isEmpty();
            assertThat(gone.turns.get()).isEqualTo(turns);
            viewers.resume(gone); // a late writability change of a closed connection: nothing to wake
            assertThat(gone.turns.get()).isEqualTo(turns);
            staying.done().get(5, TimeUnit.SECONDS);
            viewers.leave(first.id(), gone); // nothing left to leave
        }
    }

    @Test
    void aFinishedJobIsReplayedFromTheStoreThenItsEnd() throws Exception {
        RunningJob job = start();
        output(job, 50, 100);
        end(job);
        assertThat(running).doesNotContainKey(job.id());
        try (FakeConnection viewer = new FakeConnection()) {
            JobLog stored = JobLog.finished(50, job.finished().get());
            viewers.follow(job.id(), stored, 20, viewer);
            viewer.awaitDone();
            assertThat(viewer.seqs()).containsExactlyElementsOf(seqs(21, 50));
            assertThat(viewer.ends()).containsExactly(job.finished().get());
        }
    }
}
