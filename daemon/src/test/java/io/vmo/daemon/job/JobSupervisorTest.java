package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmoException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Running one job to its end with a process the test plays: pump, drain, the kill policy, how it ended. */
class JobSupervisorTest {

    private static final Duration GRACE = Duration.ofMillis(200);

    private final FakeStore store = new FakeStore();
    private final FakeWriter writer = new FakeWriter(store);
    private final JobSupervisor supervisor = new JobSupervisor(GRACE);

    @AfterEach
    void stop() {
        supervisor.close();
        writer.close();
    }

    private RunningJob job(boolean interactive) {
        return new RunningJob(FakeStore.newJob(interactive), writer, Clock.systemUTC());
    }

    private RunningJob start(JobProcess process) {
        RunningJob job = job(process instanceof TerminalProcess);
        supervisor.start(job, () -> process, () -> {});
        return job;
    }

    private static Response.JobDone ended(RunningJob job) throws Exception {
        return job.finished().get(10, TimeUnit.SECONDS);
    }

    private List<String> notes(RunningJob job) {
        return store.stored(job.id()).stream()
                .filter(c -> c.stream() == LogStream.SYSTEM)
                .map(c -> new String(c.data(), StandardCharsets.UTF_8))
                .toList();
    }

    private String text(RunningJob job, LogStream stream) {
        StringBuilder text = new StringBuilder();
        store.stored(job.id()).stream()
                .filter(c -> c.stream() == stream)
                .forEach(c -> text.append(new String(c.data(), StandardCharsets.UTF_8)));
        return text.toString();
    }

    @Test
    void aJobThatExitsZeroSucceedsAndItsExitBecomesItsEndingAfterAllOfItsOutput() throws Exception {
        FakeProcess process = new FakeProcess();
        RunningJob job = start(process);
        process.print("out 1\n");
        process.printErr("err 1\n");
        process.print("out 2\n");
        process.exit(0);

        Response.JobDone done = ended(job);
        assertThat(done.status()).isEqualTo(JobStatus.SUCCESS);
        assertThat(done.exitCode()).isZero();
        assertThat(text(job, LogStream.STDOUT)).isEqualTo("out 1\nout 2\n");
        assertThat(text(job, LogStream.STDERR)).isEqualTo("err 1\n");
        assertThat(store.ending(job.id()))
                .hasValueSatisfying(e -> assertThat(e.status()).isEqualTo(JobStatus.SUCCESS));
        assertThat(job.log().read(this, job.log().lastSeq(), Long.MAX_VALUE)).isEqualTo(new JobLog.Ended(done));
        assertThat(process.signals).isEmpty();
        assertThat(process.releases).hasValue(1);
    }

    @Test
    void aNonZeroExitOrOneBySignalFails() throws Exception {
        FakeProcess three = new FakeProcess();
        RunningJob failed = start(three);
        three.exit(3);
        assertThat(ended(failed))
                .extracting(Response.JobDone::status, Response.JobDone::exitCode)
                .containsExactly(JobStatus.FAILED, 3);

        FakeProcess signalled = new FakeProcess();
        RunningJob killed = start(signalled);
        signalled.exit(null);
        assertThat(ended(killed))
                .extracting(Response.JobDone::status, Response.JobDone::exitCode)
                .containsExactly(JobStatus.FAILED, null);
    }

    @Test
    void cancelSendsSigtermAndAfterTheExitSigkillSoNothingOfTheJobSurvives() throws Exception {
        FakeProcess process = new FakeProcess();
        RunningJob job = start(process);
        process.print("working\n");
        awaitSeq(job, 1);
        assertThat(job.requestCancel()).isTrue();
        supervisor.cancel(job);

        Response.JobDone done = ended(job);
        assertThat(done.status()).isEqualTo(JobStatus.CANCELED);
        assertThat(process.signals).startsWith("TERM", "KILL"); // the grace's SIGKILL too, should it come first
        assertThat(notes(job))
                .first()
                .isEqualTo("vmo: canceled on request: SIGTERM to the job's processes," + " SIGKILL after 200 ms\n");
    }

    @Test
    void aJobThatIgnoresSigtermGetsSigkillAfterTheGrace() throws Exception {
        FakeProcess process = new FakeProcess();
        process.ignoresTerm = true;
        RunningJob job = start(process);
        process.reading().get(5, TimeUnit.SECONDS);
        job.requestCancel();
        long start = System.nanoTime();
        supervisor.cancel(job);

        assertThat(ended(job).status()).isEqualTo(JobStatus.CANCELED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(GRACE);
        assertThat(process.signals).startsWith("TERM", "KILL");
        assertThat(notes(job)).last().isEqualTo("vmo: still running after the grace period: SIGKILL\n");
    }

    @Test
    void anInteractiveJobIsCanceledWithSighupFirstAndItsOutputIsItsTerminalsStream() throws Exception {
        FakeTerminal terminal = new FakeTerminal(TerminalSize.DEFAULT);
        RunningJob job = start(terminal);
        assertThat(job.terminal().get(5, TimeUnit.SECONDS)).isSameAs(terminal);
        terminal.print("$ ");
        awaitSeq(job, 1);
        job.requestCancel();
        supervisor.cancel(job);

        assertThat(ended(job).status()).isEqualTo(JobStatus.CANCELED);
        assertThat(text(job, LogStream.PTY)).isEqualTo("$ ");
        assertThat(notes(job)).first().asString().contains("SIGHUP and SIGTERM");
    }

    @Test
    void aJobCanceledWhileItConnectsIsKilledAsSoonAsItIsThere() throws Exception {
        CompletableFuture<FakeProcess> connecting = new CompletableFuture<>();
        RunningJob job = job(false);
        supervisor.start(job, () -> connecting.join(), () -> {});
        job.requestCancel();
        supervisor.cancel(job); // nothing to signal yet
        FakeProcess process = new FakeProcess();
        connecting.complete(process);

        assertThat(ended(job).status()).isEqualTo(JobStatus.CANCELED);
        assertThat(process.signals).first().isEqualTo("KILL");
    }

    @Test
    void processesLeftHoldingTheOutputAfterTheExitAreStoppedAfterTheDrainWithSigkillIfNeedBe() throws Exception {
        FakeProcess process = new FakeProcess();
        FakeProcess stubborn = new FakeProcess();
        stubborn.ignoresTerm = true;
        RunningJob job = start(process);
        RunningJob stubbornJob = start(stubborn); // side by side: the drain takes seconds
        process.print("done\n");
        process.exitLeavingOutputOpen(0); // a `sleep 3600 &` of the recipe still has the pipe
        stubborn.exitLeavingOutputOpen(0);

        assertThat(ended(job).status()).as("make's own exit decides").isEqualTo(JobStatus.SUCCESS);
        assertThat(process.signals).first().isEqualTo("TERM");
        assertThat(notes(job))
                .containsExactly("vmo: the command exited but processes it started still hold its"
                        + " output open; stopping them\n");
        assertThat(ended(stubbornJob).status()).isEqualTo(JobStatus.SUCCESS);
        assertThat(stubborn.signals).containsExactly("TERM", "KILL");
    }

    @Test
    void aJobThatCannotStartFailsWithTheReasonAsANote() throws Exception {
        RunningJob job = job(false);
        supervisor.start(
                job,
                () -> {
                    throw new VmoException(ErrorCode.UNKNOWN_VM, "VM web-1: no route to host");
                },
                () -> {});

        Response.JobDone done = ended(job);
        assertThat(done.status()).isEqualTo(JobStatus.FAILED);
        assertThat(done.exitCode()).isNull();
        assertThat(notes(job)).containsExactly("vmo: VM web-1: no route to host\n");
    }

    @Test
    void aLostConnectionFailsTheJobAndStopsWhatIsLeftOfIt() throws Exception {
        FakeProcess process = new FakeProcess();
        RunningJob job = start(process);
        process.print("half");
        awaitSeq(job, 1);
        process.loseConnection("connection reset");

        assertThat(ended(job).status()).isEqualTo(JobStatus.FAILED);
        assertThat(process.signals).containsExactly("KILL");
        assertThat(process.releases).hasValue(1);
        assertThat(notes(job)).containsExactly("vmo: the connection was lost: connection reset\n");
    }

    @Test
    void anUnexpectedFailureIsRecordedAndTheEndStillIs() throws Exception {
        FakeProcess process = new FakeProcess() {
            @Override
            public void release() {
                throw new IllegalStateException("session already closed");
            }
        };
        RunningJob job = job(false);
        supervisor.start(
                job,
                () -> {
                    throw new IllegalStateException("bug");
                },
                () -> {});
        assertThat(ended(job).status()).isEqualTo(JobStatus.FAILED);
        assertThat(notes(job))
                .containsExactly(
                        "vmo: internal error while watching this job:" + " java.lang.IllegalStateException: bug\n");

        RunningJob releasing = start(process);
        process.exit(0);
        assertThat(ended(releasing).status())
                .as("a failed clean-up does not change how it ended")
                .isEqualTo(JobStatus.SUCCESS);
    }

    @Test
    void thePersistedCallbackRunsOnceTheEndIsStored() throws Exception {
        writer.hold();
        FakeProcess process = new FakeProcess();
        RunningJob job = job(false);
        CompletableFuture<Void> persisted = new CompletableFuture<>();
        supervisor.start(job, () -> process, () -> persisted.complete(null));
        process.exit(0);
        writer.endQueued(job.id()).get(5, TimeUnit.SECONDS);
        assertThat(persisted).isNotDone();
        writer.release();
        persisted.get(5, TimeUnit.SECONDS);
        assertThat(job.finished()).isDone();
    }

    @Test
    void closingTheSupervisorStopsWatchingAndTheJobStillGetsAnEnd() throws Exception {
        FakeProcess process = new FakeProcess();
        RunningJob job = start(process);
        process.reading().get(5, TimeUnit.SECONDS);
        supervisor.close(); // interrupts the job's thread in waitFor

        assertThat(ended(job).status()).isEqualTo(JobStatus.FAILED);
        assertThat(process.signals).containsExactly("KILL");
    }

    // The pump, alone.

    private RunningJob pumped(InputStream in, LogStream stream) {
        RunningJob job = job(false);
        JobSupervisor.pump(in, stream, job);
        return job;
    }

    private List<byte[]> chunks(RunningJob job) {
        return writer.appended.stream()
                .filter(c -> c.jobId().equals(job.id()))
                .map(Chunk::data)
                .toList();
    }

    @Test
    void thePumpNeverSplitsACharacterHoweverTheReadsFall() {
        // Reads of 1, 2, 3… bytes: every cut falls somewhere inside a three-byte character.
        byte[] text = "a€€b€".getBytes(StandardCharsets.UTF_8);
        RunningJob job = pumped(new DribblingStream(text), LogStream.STDOUT);
        List<byte[]> chunks = chunks(job);
        assertThat(chunks)
                .allSatisfy(c ->
                        assertThat(Utf8Boundary.completePrefix(c, c.length)).isEqualTo(c.length));
        assertThat(String.join(
                        "",
                        chunks.stream()
                                .map(c -> new String(c, StandardCharsets.UTF_8))
                                .toList()))
                .isEqualTo("a€€b€");
    }

    @Test
    void aCharacterCutOffByTheEndIsStillRecorded() {
        byte[] truncated = {'o', 'k', (byte) 0xE2, (byte) 0x82};
        RunningJob job = pumped(new ByteArrayInputStream(truncated), LogStream.STDOUT);
        assertThat(chunks(job))
                .extracting(Arrays::toString)
                .containsExactly(
                        Arrays.toString(new byte[] {'o', 'k'}), Arrays.toString(new byte[] {(byte) 0xE2, (byte) 0x82}));
    }

    @Test
    void aFloodIsReadInBuffersThatGrowUpToAPipesWorth() {
        byte[] flood = new byte[1 << 20];
        Arrays.fill(flood, (byte) 'x');
        RunningJob job = pumped(new ByteArrayInputStream(flood), LogStream.STDOUT);
        List<Integer> sizes = chunks(job).stream().map(c -> c.length).toList();
        int min = JobSupervisor.MIN_READ_BUFFER;
        assertThat(sizes).startsWith(min, 2 * min, 4 * min, JobSupervisor.MAX_READ_BUFFER);
        assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(JobSupervisor.MAX_READ_BUFFER));
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(flood.length);
    }

    @Test
    void aFailedReadIsRecordedAsANote() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("EIO");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("EIO");
            }
        };
        RunningJob job = pumped(broken, LogStream.STDERR);
        assertThat(chunks(job))
                .extracting(c -> new String(c, StandardCharsets.UTF_8))
                .containsExactly("vmo: reading stderr failed: EIO\n");
    }

    @Test
    void aPumpInterruptedWhileTheStoreIsFullStopsQuietly() throws Exception {
        CompletableFuture<Void> waiting = writer.fill();
        RunningJob job = job(false);
        Thread pump = Thread.ofVirtual()
                .start(() -> JobSupervisor.pump(new ByteArrayInputStream(new byte[10]), LogStream.STDOUT, job));
        waiting.get(5, TimeUnit.SECONDS); // it waits for room
        pump.interrupt();
        pump.join(5_000);
        assertThat(pump.isAlive()).isFalse();
        assertThat(chunks(job)).isEmpty();
    }

    /** Gives 1, then 2, then 3… bytes per read, so reads end at every offset within characters. */
    private static final class DribblingStream extends InputStream {
        private final byte[] data;
        private int pos;
        private int next = 1;

        DribblingStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, next), data.length - pos);
            next = next % 7 + 1;
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private void awaitSeq(RunningJob job, long seq) throws Exception {
        writer.queued(job.id(), seq).get(5, TimeUnit.SECONDS);
    }
}
