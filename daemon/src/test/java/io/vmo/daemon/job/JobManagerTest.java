package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vmo.daemon.Settings;
import io.vmo.daemon.catalog.Registry;
import io.vmo.daemon.catalog.VmCatalog;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmInfo;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs as clients use them: real make targets in a real project (real processes), fake terminals and VMs, and
 * the store and its writer in memory.
 */
class JobManagerTest {

    private static final Duration GRACE = Duration.ofMillis(500);
    /** Above Linux's largest pid (2^22): a fake local terminal's, which no process has. */
    private static final long NO_SUCH_PID = 1L << 23;

    private static final String MAKEFILE = """
            hello:
            \t@echo hello; echo oops >&2
            fail:
            \t@echo trying; exit 3
            id:
            \t@echo $$VMO_JOB_ID
            BYTES = 3000000
            flood:
            \t@head -c $(BYTES) /dev/zero | tr '\\0' x
            sleepers:
            \t@sleep 60 & sleep 60 & echo ready; wait
            """;

    @TempDir
    Path tmp;

    private Path project;
    private final FakeStore store = new FakeStore();
    private final FakeWriter writer = new FakeWriter(store);
    private final Settings settings = new Settings(
            List.of(),
            null,
            Map.of(),
            Map.of("demo", List.of("ask")),
            io.vmo.daemon.RetentionPolicy.DEFAULT,
            null,
            null);
    /** What the fake VMs and terminals start, in order; a test puts them there first. */
    private final BlockingQueue<CompletableFuture<FakeProcess>> remotes = new LinkedBlockingQueue<>();

    private final List<FakeTerminal> terminals = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> terminalEnvs = new CopyOnWriteArrayList<>();
    private volatile IOException terminalsFail;
    /** The terminals' programs ignore SIGTERM, as one that traps it does. */
    private volatile boolean terminalsIgnoreTerm;

    private final List<FakeConnection> connections = new ArrayList<>();
    private JobManager jobs;

    /** VMs that connect when the test completes their future; terminals there only when the test asks. */
    private final class FakeVms implements RemoteLauncher {
        final boolean terminals;

        FakeVms(boolean terminals) {
            this.terminals = terminals;
        }

        @Override
        public JobProcess start(VmInfo vm, List<String> argv) {
            return connect();
        }

        @Override
        public TerminalProcess startTerminal(VmInfo vm, List<String> argv, TerminalSize size) {
            return terminals ? (TerminalProcess) connect() : RemoteLauncher.super.startTerminal(vm, argv, size);
        }

        /** The next connection the test set up: how it fails is how the launcher fails. */
        private FakeProcess connect() {
            try {
                return remotes.remove().get();
            } catch (ExecutionException e) {
                throw (RuntimeException) e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @BeforeEach
    void start() throws IOException {
        project = Files.createDirectories(tmp.resolve("demo"));
        Files.writeString(project.resolve("Makefile"), MAKEFILE);
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(Files.createDirectories(home.resolve(".ssh")).resolve("config"), "Host web-1\n");
        Files.writeString(tmp.resolve("registry"), "demo=" + project + "\n");
        jobs = manager(new FakeVms(true));
    }

    private JobManager manager(RemoteLauncher vms) {
        Path home = tmp.resolve("home");
        return new JobManager(
                new Registry(tmp.resolve("registry"), home),
                new VmCatalog(() -> settings, home),
                vms,
                (argv, dir, size, env) -> {
                    if (terminalsFail != null) {
                        throw terminalsFail;
                    }
                    FakeTerminal terminal = new FakeTerminal(size, NO_SUCH_PID);
                    terminal.ignoresTerm = terminalsIgnoreTerm;
                    terminals.add(terminal);
                    terminalEnvs.add(env);
                    assertThat(dir).isEqualTo(project);
                    return terminal;
                },
                () -> settings,
                store,
                store,
                writer,
                Clock.systemUTC(),
                GRACE);
    }

    @AfterEach
    void stop() {
        jobs.close();
        writer.close();
        connections.forEach(FakeConnection::close);
    }

    private FakeConnection connection() {
        FakeConnection connection = new FakeConnection();
        connections.add(connection);
        return connection;
    }

    private JobInfo make(String target) {
        return jobs.execute(new Request.ExecuteCommand(null, "demo", target, List.of()));
    }

    private JobInfo terminalJob() {
        return jobs.execute(new Request.ExecuteCommand(null, "demo", "ask", List.of(), null, List.of(), null, 100, 30));
    }

    /** Follows the job from the start and returns the connection once it has the job's end. */
    private FakeConnection follow(JobInfo job) throws Exception {
        FakeConnection viewer = connection();
        jobs.join(job.id(), 0, viewer, info -> {});
        viewer.awaitDone();
        return viewer;
    }

    /** Runs the target to its end and until the job has left memory: what is known of it is the store's. */
    private JobInfo finished(String target) throws Exception {
        FakeConnection watcher = connection();
        jobs.watch(watcher);
        JobInfo job = make(target);
        watcher.sent(2).get(10, TimeUnit.SECONDS); // started, then ended and gone
        jobs.forget(watcher);
        return job;
    }

    private UUID id(JobInfo job) {
        return UUID.fromString(job.id());
    }

    private List<String> notes(JobInfo job) {
        return store.stored(id(job)).stream()
                .filter(c -> c.stream() == LogStream.SYSTEM)
                .map(c -> new String(c.data(), StandardCharsets.UTF_8))
                .toList();
    }

    private static void assertFails(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    // Make targets: real processes.

    @Test
    void aTargetRunsAsRecordedAndAViewerGetsItsOutputThenItsEndOnce() throws Exception {
        JobInfo started = make("hello");
        assertThat(started.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(started.command())
                .containsExactly("make", "-C", project.toString(), "--no-print-directory", "--", "hello");
        assertThat(store.jobs.get(id(started))).satisfies(r -> {
            assertThat(r.pid()).isNotNull();
            assertThat(r.cwd()).isEqualTo(project);
            assertThat(r.interactive()).isFalse();
        });

        List<JobInfo> joined = new ArrayList<>();
        FakeConnection viewer = connection();
        jobs.join(started.id().substring(0, 8), 0, viewer, joined::add);
        Response.JobDone done = viewer.awaitDone();

        assertThat(joined).singleElement().extracting(JobInfo::id).isEqualTo(started.id());
        assertThat(done.status()).isEqualTo(JobStatus.SUCCESS);
        assertThat(done.exitCode()).isZero();
        assertThat(viewer.text(LogStream.STDOUT)).isEqualTo("hello\n");
        assertThat(viewer.text(LogStream.STDERR)).isEqualTo("oops\n");
        assertThat(viewer.ends()).hasSize(1);
        assertThat(jobs.find(started.id())).satisfies(info -> {
            assertThat(info.status()).isEqualTo(JobStatus.SUCCESS);
            assertThat(info.lastSeq()).isEqualTo(2);
        });
    }

    @Test
    void everyProcessOfAJobCarriesItsIdInItsEnvironment() throws Exception {
        JobInfo job = make("id");
        assertThat(follow(job).text(LogStream.STDOUT)).isEqualTo(job.id() + "\n");
    }

    @Test
    void aTargetThatExitsNonZeroFailsWithItsExitCode() throws Exception {
        JobInfo job = make("fail");
        Response.JobDone done = follow(job).ends().getFirst();
        assertThat(done.status()).isEqualTo(JobStatus.FAILED);
        assertThat(done.exitCode()).as("make's own").isEqualTo(2);
        assertThat(jobs.recent(10))
                .extracting(JobInfo::id, JobInfo::status)
                .containsExactly(tuple(job.id(), JobStatus.FAILED));
    }

    @Test
    void theEndReachesViewersAndListsOnlyOnceEverythingBeforeItIsStored() throws Exception {
        writer.hold(); // the store takes nothing for now
        JobInfo job = make("hello");
        FakeConnection viewer = connection();
        jobs.join(job.id(), 0, viewer, info -> {});
        viewer.reached(2).get(10, TimeUnit.SECONDS); // live, from memory
        writer.endQueued(id(job)).get(10, TimeUnit.SECONDS); // make has exited
        viewer.settle();
        assertThat(viewer.done()).isNotDone();
        assertThat(jobs.find(job.id()).status()).isEqualTo(JobStatus.RUNNING);
        assertThat(store.stored(id(job))).isEmpty();

        writer.release();
        assertThat(viewer.awaitDone().status()).isEqualTo(JobStatus.SUCCESS);
        assertThat(store.stored(id(job))).hasSize(2);
        assertThat(store.ending(id(job))).isPresent();
    }

    @Test
    void aStoreThatCannotTakeMoreStopsTheJobsOutputUntilItCanAndNothingIsLost() throws Exception {
        CompletableFuture<Void> pumpWaits = writer.fill();
        JobInfo job = make("flood");
        pumpWaits.get(10, TimeUnit.SECONDS);
        assertThat(jobs.find(job.id()).lastSeq())
                .as("nothing taken while the queue is full")
                .isZero();
        assertThat(jobs.find(job.id()).status()).isEqualTo(JobStatus.RUNNING);

        writer.makeRoom();
        FakeConnection viewer = follow(job);
        assertThat(viewer.text(LogStream.STDOUT)).hasSize(3_000_000).matches("x+");
    }

    @Test
    void aViewerThatReadsNothingNeitherSlowsTheJobNorMissesAnythingOfIt() throws Exception {
        AtomicInteger pages = new AtomicInteger();
        store.pages = (id, after, upTo, limit) -> {
            pages.incrementAndGet();
            return store.stored(id, after, upTo, limit);
        };
        FakeConnection stalled = connection();
        stalled.take(0, () -> {});
        long bytes = 2 * JobLog.TAIL_BYTES; // more than the tail keeps
        JobInfo job = jobs.execute(new Request.ExecuteCommand(null, "demo", "flood", List.of("BYTES=" + bytes)));
        jobs.join(job.id(), 0, stalled, info -> {});
        FakeConnection other = follow(job); // the job ends while the first one takes nothing
        assertThat(other.text(LogStream.STDOUT)).hasSize((int) bytes);
        assertThat(stalled.seqs()).isEmpty();

        stalled.take(Long.MAX_VALUE, () -> jobs.resume(stalled));
        stalled.awaitDone();
        assertThat(stalled.text(LogStream.STDOUT)).isEqualTo(other.text(LogStream.STDOUT));
        assertThat(stalled.seqs()).isEqualTo(other.seqs());
        assertThat(pages.get())
                .as("what the tail let go of came from the store")
                .isPositive();
    }

    @Test
    void cancelStopsEveryProcessOfTheJob() throws Exception {
        JobInfo job = make("sleepers");
        FakeConnection viewer = connection();
        jobs.join(job.id(), 0, viewer, info -> {});
        viewer.reached(1).get(10, TimeUnit.SECONDS); // "ready": both sleeps run
        long pid = store.jobs.get(id(job)).pid();
        List<ProcStat> all = Processes.tree(pid);
        assertThat(all).hasSizeGreaterThanOrEqualTo(3); // make, sh, sleep, sleep
        assertThat(store.jobs.get(id(job)).stamp())
                .isEqualTo(ProcessStamp.of(pid).orElseThrow());

        CompletableFuture<Response.JobDone> canceled = jobs.cancel(job.id());
        CompletableFuture<Response.JobDone> again = jobs.cancel(job.id()); // signals nothing more
        assertThat(canceled.get(10, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.CANCELED);
        assertThat(again.get(10, TimeUnit.SECONDS)).isEqualTo(canceled.get());
        Processes.awaitEnded(all);
        assertThat(notes(job))
                .filteredOn(n -> n.startsWith("vmo: canceled on request: SIGTERM"))
                .hasSize(1);
        assertThat(jobs.cancel(job.id()).get().status())
                .as("the stored end of an ended job")
                .isEqualTo(JobStatus.CANCELED);
    }

    @Test
    void unknownJobsAndProjectsAreNamedInTheError() {
        assertFails(ErrorCode.UNKNOWN_JOB, () -> jobs.find(UUID.randomUUID().toString()));
        assertFails(ErrorCode.UNKNOWN_JOB, () -> jobs.cancel(UUID.randomUUID().toString()));
        assertFails(ErrorCode.UNKNOWN_JOB, () -> jobs.join(UUID.randomUUID().toString(), 0, connection(), i -> {}));
        assertFails(
                ErrorCode.UNKNOWN_PROJECT,
                () -> jobs.execute(new Request.ExecuteCommand(null, "nope", "x", List.of())));
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> make("-f"));
        assertThat(store.jobs).isEmpty();
    }

    // A finished job, from the store.

    @Test
    void aFinishedJobIsReplayedFromTheStoreThenItsEnd() throws Exception {
        JobInfo job = finished("hello");
        FakeConnection first = follow(job);
        FakeConnection later = connection();
        List<JobInfo> joined = new ArrayList<>();
        jobs.join(job.id(), 1, later, joined::add);
        later.awaitDone();
        assertThat(jobs.find(job.id())).isEqualTo(store.find(id(job)).orElseThrow());
        assertThat(joined.getFirst().status()).isEqualTo(JobStatus.SUCCESS);
        assertThat(later.seqs()).containsExactly(2L);
        assertThat(later.ends()).isEqualTo(first.ends());
    }

    @Test
    void storedEventsArePagedOnceTheWriterHasStoredWhatTheJobPrinted() throws Exception {
        JobInfo job = make("hello");
        follow(job);
        assertThat(jobs.storedEvents(job.id(), 0, 1)).extracting(Chunk::seq).containsExactly(1L);
        assertThat(jobs.storedEvents(job.id(), 1, 10)).extracting(Chunk::seq).containsExactly(2L);

        writer.barrierAnswer = CompletableFuture.failedFuture(new IllegalStateException("writer stopped"));
        assertThatThrownBy(() -> jobs.storedEvents(job.id(), 0, 10))
                .isInstanceOf(VmoException.class)
                .hasMessageContaining("the job's latest output is not stored yet");
        writer.barrierAnswer = null;
    }

    // Terminals.

    @Test
    void anInteractiveTargetRunsInATerminalThatTakesInputAndResizes() throws Exception {
        JobInfo job = terminalJob();
        assertThat(job.interactive()).isTrue();
        FakeTerminal terminal = terminals.getFirst();
        assertThat(terminal.sizes).containsExactly(new TerminalSize(100, 30));
        assertThat(terminalEnvs.getFirst()).containsEntry(OrphanReaper.JOB_ID_VARIABLE, job.id());
        terminal.reading().get(10, TimeUnit.SECONDS);

        jobs.input(job.id(), "yes\n");
        jobs.input(job.id(), "no\n");
        jobs.resize(job.id(), new TerminalSize(120, 40));
        assertThat(terminal.typed()).isEqualTo("yes\nno\n");
        assertThat(terminal.sizes).endsWith(new TerminalSize(120, 40));
        assertThat(writer.appended)
                .as("that input happened, once, never what")
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.stream()).isEqualTo(LogStream.INPUT);
                    assertThat(c.data()).isEmpty();
                });

        terminal.print("$ ");
        FakeConnection attached = connection();
        jobs.attach(job.id(), new TerminalSize(90, 20), attached, info -> {});
        attached.reached(2).get(10, TimeUnit.SECONDS);
        assertThat(attached.text(LogStream.PTY)).isEqualTo("$ ");
        assertThat(terminal.sizes)
                .as("a newcomer's size, so the program redraws")
                .endsWith(new TerminalSize(90, 20));

        terminal.closed = true;
        assertFails(ErrorCode.JOB_ENDED, () -> jobs.input(job.id(), "x"));
        jobs.resize(job.id(), new TerminalSize(1, 1)); // failing quietly: the job is ending
        terminal.exit(0);
        attached.awaitDone();
        assertFails(ErrorCode.JOB_ENDED, () -> jobs.input(job.id(), "x"));
        assertFails(ErrorCode.JOB_ENDED, () -> jobs.resize(job.id(), new TerminalSize(80, 24)));
    }

    @Test
    void anyTargetRunsInATerminalWhenTheClientAsks() {
        JobInfo job = jobs.execute(
                new Request.ExecuteCommand(null, "demo", "hello", List.of(), null, List.of(), true, null, null));
        assertThat(job.interactive()).isTrue();
        assertThat(terminals.getFirst().sizes).containsExactly(TerminalSize.DEFAULT);
    }

    @Test
    void aJobCanceledAsSoonAsItStartedStillGetsSigtermAndTheGraceFirst() throws Exception {
        // A watcher hears of the start before the job's supervisor has even begun; it cancels at once.
        List<CompletableFuture<Response.JobDone>> canceled = new CopyOnWriteArrayList<>();
        jobs.watch(new Subscriber() {
            @Override
            public void send(Response message) {
                JobInfo job = ((Response.JobUpdate) message).job();
                if (job.status() == JobStatus.RUNNING) {
                    canceled.add(jobs.cancel(job.id()));
                }
            }

            @Override
            public Executor executor() {
                return Runnable::run;
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void write(Response message) {}

            @Override
            public void flush() {}
        });
        terminalsIgnoreTerm = true;
        JobInfo job = terminalJob();
        assertThat(canceled.getFirst().get(10, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.CANCELED);
        assertThat(terminals.getFirst().signals).startsWith("TERM", "KILL");
        assertThat(notes(job))
                .containsExactly(
                        "vmo: canceled on request: SIGHUP and SIGTERM to the job's processes, SIGKILL after 500 ms\n",
                        "vmo: still running after the grace period: SIGKILL\n");
    }

    @Test
    void aJobWithoutATerminalTakesNoInput() throws Exception {
        JobInfo job = make("hello");
        assertFails(ErrorCode.NOT_INTERACTIVE, () -> jobs.input(job.id(), "x"));
        FakeConnection attached = connection();
        jobs.attach(job.id(), new TerminalSize(90, 20), attached, info -> {}); // no terminal to size: just replayed
        assertThat(attached.awaitDone().status()).isEqualTo(JobStatus.SUCCESS);
        assertThat(terminals).isEmpty();
        assertFails(ErrorCode.NOT_INTERACTIVE, () -> jobs.resize(job.id(), TerminalSize.DEFAULT));
    }

    @Test
    void aTerminalThatCannotStartIsASpawnFailureAndNoJob() {
        terminalsFail = new IOException("no ptys left");
        assertThatThrownBy(this::terminalJob).isInstanceOfSatisfying(VmoException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SPAWN_FAILED);
            assertThat(e.getMessage()).contains("no ptys left").contains(project.toString());
        });
        assertThat(store.jobs).isEmpty();
    }

    @Test
    void attachingToAFinishedJobReplaysTheNewestStoredOutputThatFillsAScreen() throws Exception {
        FakeConnection watcher = connection();
        jobs.watch(watcher);
        JobInfo job = terminalJob();
        FakeTerminal terminal = terminals.getFirst();
        for (int i = 0; i < 100; i++) {
            terminal.print(new byte[1024]);
        }
        terminal.exit(0);
        watcher.sent(2).get(10, TimeUnit.SECONDS); // it has ended and left memory
        long lastSeq = jobs.find(job.id()).lastSeq();

        FakeConnection attached = connection();
        jobs.attach(job.id(), null, attached, info -> {});
        attached.awaitDone();
        long bytes = attached.events().stream().mapToLong(e -> e.data().length).sum();
        assertThat(bytes).isBetween(JobManager.ATTACH_REPLAY_BYTES, JobManager.ATTACH_REPLAY_BYTES + 64 * 1024);
        assertThat(attached.seqs().getLast()).isEqualTo(lastSeq);
    }

    @Test
    void attachingToARunningJobReplaysFromTheTail() throws Exception {
        JobInfo job = terminalJob();
        FakeTerminal terminal = terminals.getFirst();
        terminal.print("only a prompt");
        FakeConnection viewer = connection();
        jobs.join(job.id(), 0, viewer, i -> {});
        viewer.reached(1).get(10, TimeUnit.SECONDS);
        FakeConnection attached = connection();
        jobs.attach(job.id(), null, attached, info -> {});
        attached.reached(1).get(10, TimeUnit.SECONDS);
        assertThat(attached.text(LogStream.PTY)).isEqualTo("only a prompt");
        assertThat(terminal.sizes).as("no size given: none set").hasSize(1);
    }

    // VMs.

    @Test
    void aRemoteJobIsRecordedAtOnceAndConnectsOnItsOwnThread() throws Exception {
        CompletableFuture<FakeProcess> connecting = new CompletableFuture<>();
        remotes.add(connecting);
        JobInfo job = jobs.execute(Request.ExecuteCommand.remote(null, "web-1", List.of("uptime")));
        assertThat(job.kind()).isEqualTo("ssh");
        assertThat(job.vm()).isEqualTo("web-1");
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(store.jobs).containsKey(id(job));

        FakeProcess process = new FakeProcess();
        connecting.complete(process);
        process.print("up 3 days\n");
        process.exit(0);
        FakeConnection viewer = follow(job);
        assertThat(viewer.text(LogStream.STDOUT)).isEqualTo("up 3 days\n");
        assertThat(viewer.ends().getFirst().status()).isEqualTo(JobStatus.SUCCESS);
    }

    @Test
    void aRemoteJobCanceledWhileItConnectsEndsCanceled() throws Exception {
        CompletableFuture<FakeProcess> connecting = new CompletableFuture<>();
        remotes.add(connecting);
        JobInfo job = jobs.execute(Request.ExecuteCommand.remote(null, "web-1", List.of("sleep", "60")));
        CompletableFuture<Response.JobDone> canceled = jobs.cancel(job.id());
        FakeProcess process = new FakeProcess();
        connecting.complete(process);
        assertThat(canceled.get(10, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.CANCELED);
        assertThat(process.signals).contains("KILL");
    }

    @Test
    void inputForARemoteTerminalThatStillConnectsWaitsForIt() throws Exception {
        CompletableFuture<FakeProcess> connecting = new CompletableFuture<>();
        remotes.add(connecting);
        JobInfo job = jobs.execute(
                new Request.ExecuteCommand(null, null, null, List.of(), "web-1", List.of(), true, null, null));
        assertThat(job.interactive()).isTrue();
        CompletableFuture<Void> typed = CompletableFuture.runAsync(() -> jobs.input(job.id(), "ls\n"));
        jobs.resize(job.id(), new TerminalSize(132, 50)); // applied once it is there
        FakeTerminal terminal = new FakeTerminal(TerminalSize.DEFAULT);
        assertThat(typed).isNotDone();
        connecting.complete(terminal);
        typed.get(10, TimeUnit.SECONDS);
        assertThat(terminal.typed()).isEqualTo("ls\n");
        terminal.exit(0);
        follow(job);
        assertThat(terminal.sizes).contains(new TerminalSize(132, 50));
    }

    @Test
    void inputForARemoteTerminalThatFailsToConnectIsRefused() throws Exception {
        CompletableFuture<FakeProcess> connecting = new CompletableFuture<>();
        remotes.add(connecting);
        JobInfo job = jobs.execute(
                new Request.ExecuteCommand(null, null, null, List.of(), "web-1", List.of(), true, null, null));
        CompletableFuture<Void> typed = CompletableFuture.runAsync(() -> jobs.input(job.id(), "ls\n"));
        connecting.completeExceptionally(new VmoException(ErrorCode.SSH_FAILED, "web-1: connection refused"));
        assertThatThrownBy(() -> typed.get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.JOB_ENDED));
        assertThat(follow(job).ends().getFirst().status()).isEqualTo(JobStatus.FAILED);
        assertThat(notes(job)).containsExactly("vmo: web-1: connection refused\n");
    }

    @Test
    void aCallerInterruptedWhileWaitingIsToldSoAndKeepsItsInterrupt() throws Exception {
        CompletableFuture<FakeProcess> connecting = new CompletableFuture<>(); // still connecting throughout
        remotes.add(connecting);
        JobInfo remote = jobs.execute(
                new Request.ExecuteCommand(null, null, null, List.of(), "web-1", List.of(), true, null, null));
        writer.barrierAnswer = new CompletableFuture<>(); // the writer never confirms
        Thread.currentThread().interrupt();
        try {
            assertFails(ErrorCode.INTERNAL, () -> jobs.input(remote.id(), "x"));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertFails(ErrorCode.INTERNAL, () -> jobs.storedEvents(remote.id(), 0, 10));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
            writer.barrierAnswer = null;
        }
        CompletableFuture<Response.JobDone> canceled = jobs.cancel(remote.id());
        connecting.complete(new FakeTerminal(TerminalSize.DEFAULT));
        assertThat(canceled.get(10, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.CANCELED);
    }

    @Test
    void aTerminalOnAVmThisDaemonCannotOpenFailsTheJobSayingWhy() throws Exception {
        jobs.close();
        jobs = manager(new FakeVms(false));
        JobInfo job = jobs.execute(
                new Request.ExecuteCommand(null, null, null, List.of(), "web-1", List.of(), true, null, null));
        assertThat(follow(job).ends().getFirst().status()).isEqualTo(JobStatus.FAILED);
        assertThat(notes(job)).containsExactly("vmo: this daemon cannot run interactive commands on VMs\n");
    }

    @Test
    void remoteCommandsThatNoProgramCouldReceiveOrUnknownVmsAreRefused() {
        assertFails(
                ErrorCode.INVALID_ARGUMENT,
                () -> jobs.execute(Request.ExecuteCommand.remote(null, "web-1", List.of("echo", "a\0b"))));
        assertFails(
                ErrorCode.UNKNOWN_VM,
                () -> jobs.execute(Request.ExecuteCommand.remote(null, "web-9", List.of("uptime"))));
        assertThat(store.jobs).isEmpty();
    }

    // The store.

    @Test
    void nothingRunsUnrecorded() {
        store.refuseInserts = true;
        assertFails(ErrorCode.STORE_UNAVAILABLE, this::terminalJob);
        assertThat(terminals.getFirst().signals)
                .as("the process started is stopped")
                .containsExactly("KILL");
        remotes.add(new CompletableFuture<>());
        assertFails(
                ErrorCode.STORE_UNAVAILABLE,
                () -> jobs.execute(Request.ExecuteCommand.remote(null, "web-1", List.of("uptime"))));
        assertThat(remotes).as("a remote job is not even connected").hasSize(1);
        remotes.clear();
        store.refuseInserts = false;

        store.problem = "connection refused";
        assertThatThrownBy(this::terminalJob).isInstanceOfSatisfying(VmoException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
            assertThat(e.getMessage()).contains("connection refused");
        });
        assertThat(terminals)
                .as("nothing started while the store is known to be down")
                .hasSize(1);
    }

    @Test
    void whileTheStoreIsDownRunningJobsAreAnsweredFromMemoryAndTheRestFailsAtOnce() throws Exception {
        JobInfo finished = finished("hello");
        JobInfo job = terminalJob();
        store.problem = "connection refused";

        assertThat(jobs.find(job.id()).status()).isEqualTo(JobStatus.RUNNING);
        String prefix = job.id().substring(0, 8);
        assertThat(jobs.find(prefix).id()).isEqualTo(job.id());
        FakeConnection viewer = connection();
        List<JobInfo> joined = new ArrayList<>();
        jobs.join(prefix, 0, viewer, joined::add);
        assertThat(joined).hasSize(1);

        assertThatThrownBy(() -> jobs.find(finished.id()))
                .isInstanceOf(VmoException.class)
                .hasMessageContaining("connection refused")
                .hasMessageContaining("1 job(s) still run");
        assertFails(ErrorCode.STORE_UNAVAILABLE, () -> jobs.find(finished.id().substring(0, 8)));
        assertFails(ErrorCode.STORE_UNAVAILABLE, () -> jobs.find(""));
        assertFails(ErrorCode.STORE_UNAVAILABLE, () -> jobs.recent(10));
        assertFails(ErrorCode.STORE_UNAVAILABLE, () -> jobs.storedEvents(finished.id(), 0, 10));
        assertFails(ErrorCode.STORE_UNAVAILABLE, () -> jobs.join(finished.id(), 0, viewer, i -> {}));
    }

    @Test
    void listsShowRunningJobsAsMemoryHasThem() throws Exception {
        JobInfo job = terminalJob();
        FakeTerminal terminal = terminals.getFirst();
        writer.hold();
        terminal.print("not stored yet");
        writer.queued(id(job), 1).get(10, TimeUnit.SECONDS);
        // The pump hands the event to the writer, then to the tail; the list reads the tail without the job's lock,
        // so it may be a moment behind the writer (this failed once in make test).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jobs.recent(10).getFirst().lastSeq() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(store.find(id(job)).orElseThrow().lastSeq()).isZero();
        assertThat(jobs.recent(10)).singleElement().extracting(JobInfo::lastSeq).isEqualTo(1L);
        writer.release();
    }

    // Watchers and leaving.

    @Test
    void watchersHearOfEveryJobsStartAndStoredEndUntilTheyGo() throws Exception {
        FakeConnection watcher = connection();
        jobs.watch(watcher);
        JobInfo job = make("hello");
        List<Response> updates = watcher.sent(2).get(10, TimeUnit.SECONDS);
        assertThat(updates)
                .extracting(r -> ((Response.JobUpdate) r).job().status())
                .containsExactly(JobStatus.RUNNING, JobStatus.SUCCESS);
        assertThat(updates).extracting(r -> ((Response.JobUpdate) r).job().id()).containsOnly(job.id());

        jobs.forget(watcher);
        follow(make("hello"));
        assertThat(watcher.sent(0).get()).hasSize(2);
    }

    @Test
    void aViewerThatLeavesIsSentNothingMoreOfThatJob() throws Exception {
        JobInfo job = terminalJob();
        FakeTerminal terminal = terminals.getFirst();
        FakeConnection viewer = connection();
        jobs.join(job.id(), 0, viewer, i -> {});
        terminal.print("one");
        viewer.reached(1).get(10, TimeUnit.SECONDS);
        jobs.leave(job.id(), viewer);
        viewer.settle(); // where the daemon's ack goes out: behind a turn that was already under way
        terminal.print("two");
        terminal.exit(0);
        follow(job);
        viewer.settle();
        assertThat(viewer.text(LogStream.PTY)).isEqualTo("one");
        assertThat(viewer.done()).isNotDone();
    }

    @Test
    void closingReturnsEvenWhenTheWriterCannotConfirm() {
        JobInfo job = terminalJob();
        writer.barrierAnswer = CompletableFuture.failedFuture(new IllegalStateException("store down"));
        jobs.close(); // logs that not everything was confirmed, and returns
        writer.barrierAnswer = null;
        assertThat(writer.endQueued(id(job))).as("the job was still ended").isDone();
    }

    @Test
    void closingCancelsWhatStillRunsAndStoresItsEnd() {
        JobInfo job = terminalJob();
        jobs.close();
        assertThat(store.ending(id(job)))
                .hasValueSatisfying(e -> assertThat(e.status()).isEqualTo(JobStatus.CANCELED));
        assertThat(notes(job)).first().isEqualTo("vmo: the daemon is stopping\n");
        assertThat(terminals.getFirst().signals).startsWith("TERM");
    }
}
