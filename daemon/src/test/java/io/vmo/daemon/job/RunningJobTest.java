package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One job's order of events, its back-pressure and its end, against a fake writer. */
class RunningJobTest {

    private final FakeStore store = new FakeStore();
    private final FakeWriter writer = new FakeWriter(store);
    private final ManualClock clock = new ManualClock();
    private final JobRecord record = FakeStore.newJob(false);
    private final RunningJob job = new RunningJob(record, writer, clock);

    /** A clock the test moves. */
    static final class ManualClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @AfterEach
    void stop() {
        writer.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theWriterAndTheLogSeeTheSameEventsWithConsecutiveSeqsWhoeverWrites() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> writers = List.of(LogStream.STDOUT, LogStream.STDERR).stream()
                .map(stream -> CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < 500; i++) {
                            job.output(stream, bytes(stream + " " + i + "\n"));
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }))
                .toList();
        go.countDown();
        for (int i = 0; i < 20; i++) {
            job.note("note " + i);
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(writer.appended)
                .extracting(Chunk::seq)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, 1020).boxed().toList());
        assertThat(((JobLog.Events) job.log().read(this, 0, Long.MAX_VALUE)).chunks())
                .containsExactlyElementsOf(writer.appended);
        assertThat(job.info().lastSeq()).isEqualTo(1020);
        assertThat(writer.appended)
                .filteredOn(c -> c.stream() == LogStream.SYSTEM)
                .first()
                .satisfies(c ->
                        assertThat(new String(c.data(), StandardCharsets.UTF_8)).isEqualTo("vmo: note 0\n"));
    }

    @Test
    void outputWaitsForRoomInTheWriterHoldingNoLockSoTheJobStaysReadable() throws Exception {
        job.output(LogStream.STDOUT, bytes("before\n"));
        CompletableFuture<Void> pumpStopped = writer.fill(); // the store is down and the queue full
        CompletableFuture<Void> pump = CompletableFuture.runAsync(() -> {
            try {
                job.output(LogStream.STDOUT, bytes("after\n"));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        pumpStopped.get(5, TimeUnit.SECONDS);
        // Readers, notes and the cursor's reads go on while the pump waits.
        assertThat(job.info().status()).isEqualTo(JobStatus.RUNNING);
        job.note("the store is down");
        assertThat(job.log().lastSeq()).isEqualTo(2);
        assertThat(pump).isNotDone();

        writer.makeRoom();
        pump.get(5, TimeUnit.SECONDS);
        assertThat(writer.appended)
                .extracting(c -> new String(c.data(), StandardCharsets.UTF_8))
                .containsExactly("before\n", "vmo: the store is down\n", "after\n");
    }

    @Test
    void theEndShowsAndReachesReadersOnlyOnceItAndEverythingBeforeItIsStored() throws Exception {
        writer.hold(); // nothing is stored yet
        job.output(LogStream.STDOUT, bytes("out\n"));
        CompletableFuture<Void> persisted = new CompletableFuture<>();
        job.end(JobStatus.SUCCESS, 0, () -> persisted.complete(null));

        assertThat(job.ended()).isTrue();
        assertThat(job.info().status()).as("the store still says running").isEqualTo(JobStatus.RUNNING);
        assertThat(job.info().finishedAt()).isNull();
        assertThat(job.log().read(this, 1, Long.MAX_VALUE)).isInstanceOf(JobLog.UpToDate.class);
        assertThat(job.finished()).isNotDone();
        assertThat(persisted).isNotDone();

        writer.release();
        Response.JobDone done = job.finished().get(5, TimeUnit.SECONDS);
        persisted.get(5, TimeUnit.SECONDS);
        assertThat(done.status()).isEqualTo(JobStatus.SUCCESS);
        assertThat(done.jobId()).isEqualTo(record.id().toString());
        assertThat(store.stored(record.id())).extracting(Chunk::seq).containsExactly(1L);
        assertThat(store.ending(record.id()))
                .hasValueSatisfying(e -> assertThat(e.exitCode()).isZero());
        assertThat(job.info().status()).isEqualTo(JobStatus.SUCCESS);
        assertThat(job.info().exitCode()).isZero();
        assertThat(job.info().finishedAt()).isEqualTo(done.finishedAt());
        assertThat(job.log().read(this, 1, Long.MAX_VALUE)).isEqualTo(new JobLog.Ended(done));
    }

    @Test
    void typingIsRecordedAtMostOnceASecondAndNeverWhatWasTyped() {
        job.markInput();
        clock.advance(Duration.ofMillis(400));
        job.markInput();
        clock.advance(Duration.ofMillis(599));
        job.markInput();
        assertThat(writer.appended).hasSize(1);
        clock.advance(Duration.ofMillis(1));
        job.markInput();
        assertThat(writer.appended).extracting(Chunk::stream).containsExactly(LogStream.INPUT, LogStream.INPUT);
        assertThat(writer.appended).allSatisfy(c -> assertThat(c.data()).isEmpty());
        assertThat(writer.appended.get(1).ts())
                .isEqualTo(writer.appended.get(0).ts().plusSeconds(1));
    }

    @Test
    void eventTimesAreMicrosecondsAsTheStoreKeepsThem() {
        clock.advance(Duration.ofNanos(1_234_567));
        job.note("x");
        assertThat(writer.appended.getFirst().ts().getNano() % 1000).isZero();
        assertThat(writer.appended.getFirst().ts().getNano()).isEqualTo(1_234_000);
    }

    @Test
    void aCancelIsRequestedOnceAndNotAfterTheEnd() {
        assertThat(job.cancelRequested()).isFalse();
        assertThat(job.requestCancel()).isTrue();
        assertThat(job.requestCancel()).isFalse();
        assertThat(job.cancelRequested()).isTrue();

        RunningJob other = new RunningJob(FakeStore.newJob(false), writer, clock);
        other.end(JobStatus.FAILED, 1, () -> {});
        assertThat(other.requestCancel()).isFalse();
    }

    @Test
    void whoeverWaitsToTypeIntoAJobThatEndsBeforeItsTerminalStartedLearnsItNeverWill() {
        RunningJob interactive = new RunningJob(FakeStore.newJob(true), writer, clock);
        assertThat(interactive.interactive()).isTrue();
        interactive.end(JobStatus.FAILED, null, () -> {});
        assertThat(interactive.terminal()).isCancelled();
    }
}
