package io.vmo.daemon.job;

import io.vmo.daemon.Settings;
import io.vmo.daemon.catalog.Project;
import io.vmo.daemon.catalog.Registry;
import io.vmo.daemon.catalog.VmCatalog;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.Provenance;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmInfo;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs: starts them (a {@link JobSupervisor} runs each to its end), cancels them, lets subscribers follow them
 * ({@link Viewers}, one {@link Cursor} each), and answers what is known of them, from memory while they run and
 * from the store after. Running jobs live here until their end is stored.
 */
public final class JobManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobManager.class);

    /** How much stored output {@code attach-job} replays first: enough to redraw a screen, even a full one. */
    static final long ATTACH_REPLAY_BYTES = 64 * 1024;
    /** How long a REST read of stored events waits for the writer to store what the job has printed. */
    private static final Duration STORED_WAIT = Duration.ofSeconds(2);
    /** How long typed input waits for a remote terminal that is still connecting. */
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(30);

    private final Registry registry;
    private final VmCatalog vms;
    private final RemoteLauncher remote;
    private final TerminalLauncher terminals;
    /** Local jobs' sessions (loads the C library through JNA once). */
    private final SessionSpawn spawn = new SessionSpawn();

    private final Supplier<Settings> settings;
    private final JobRepository store;
    private final StoreStatus health;
    private final OutputQueue writer;
    private final Clock clock;
    private final ConcurrentHashMap<UUID, RunningJob> running = new ConcurrentHashMap<>();
    private final JobSupervisor supervisor;
    private final Viewers viewers;
    /** Clients that asked (watch-jobs) to hear of every job's start and end. */
    private final Set<Subscriber> watchers = ConcurrentHashMap.newKeySet();

    public JobManager(
            Registry registry,
            VmCatalog vms,
            RemoteLauncher remote,
            TerminalLauncher terminals,
            Supplier<Settings> settings,
            JobRepository store,
            StoreStatus health,
            OutputQueue writer,
            Clock clock,
            Duration cancelGrace) {
        this.registry = registry;
        this.vms = vms;
        this.remote = remote;
        this.terminals = terminals;
        this.settings = settings;
        this.store = store;
        this.health = health;
        this.writer = writer;
        this.clock = clock;
        this.supervisor = new JobSupervisor(cancelGrace);
        this.viewers = new Viewers(store::events, running::get);
        writer.onDurable((jobId, seq) -> {
            RunningJob job = running.get(jobId);
            if (job != null) {
                job.log().durableUpTo(seq);
            }
        });
    }

    /** Starts the job the request asks for, as the token's owner (tests). */
    public JobInfo execute(Request.ExecuteCommand request) {
        return execute(request, Provenance.UNKNOWN);
    }

    /**
     * Starts the job the request asks for, recorded with who asked and from where; it is stored and running when
     * this returns.
     */
    public JobInfo execute(Request.ExecuteCommand request, Provenance provenance) {
        return request.vm() != null ? executeRemote(request, provenance) : executeMake(request, provenance);
    }

    private JobInfo executeMake(Request.ExecuteCommand request, Provenance provenance) {
        Project project = registry.project(request.project());
        MakeCommand command = new MakeCommand(project, request.target(), request.args());
        boolean interactive =
                request.wantsTerminal() || settings.get().isInteractive(project.alias(), request.target());
        failIfStoreDown();
        UUID id = UUID.randomUUID();
        Map<String, String> env = JobEnvironment.of(System.getenv(), id);
        JobProcess process;
        Long pid;
        try {
            if (interactive) {
                TerminalProcess terminal = terminals.start(
                        command.argv(), project.dir(), TerminalSize.of(request.cols(), request.rows()), env);
                process = terminal;
                pid = terminal.localPid();
            } else {
                LocalProcess local = LocalProcess.start(spawn, command.argv(), project.dir(), env);
                process = local;
                pid = local.pid();
            }
        } catch (IOException e) {
            throw new VmoException(
                    ErrorCode.SPAWN_FAILED,
                    "cannot start make in " + project.dir() + ": " + e.getMessage()
                            + "; check that make is installed and on the daemon's PATH");
        }
        var record = new JobRecord(
                id,
                "make",
                project.alias(),
                request.target(),
                command.args(),
                null,
                command.argv(),
                project.dir(),
                pid,
                ProcessStamp.of(pid).orElse(null),
                now(),
                interactive,
                provenance);
        return launch(record, () -> process, process);
    }

    /** Recorded at once; connecting happens on the job's own thread, and a failure to connect fails the job. */
    private JobInfo executeRemote(Request.ExecuteCommand request, Provenance provenance) {
        VmInfo vm = vms.vm(request.vm());
        ArgvLimit.check("the command's arguments", request.command());
        if (request.command().stream().anyMatch(arg -> arg.indexOf('\0') >= 0)) {
            throw new VmoException(
                    ErrorCode.INVALID_ARGUMENT,
                    "a remote command argument contains NUL, which no" + " program can receive; remove it");
        }
        boolean interactive = request.wantsTerminal();
        failIfStoreDown();
        var record = new JobRecord(
                UUID.randomUUID(),
                "ssh",
                null,
                null,
                List.of(),
                vm.name(),
                request.command(),
                null,
                null,
                null,
                now(),
                interactive,
                provenance);
        TerminalSize size = TerminalSize.of(request.cols(), request.rows());
        return launch(
                record,
                interactive
                        ? () -> remote.startTerminal(vm, request.command(), size)
                        : () -> remote.start(vm, request.command()),
                null);
    }

    /** Stores the job, then supervises it; {@code started}, if not null, is killed when the job cannot be stored. */
    private JobInfo launch(JobRecord record, Supplier<JobProcess> process, JobProcess started) {
        try {
            store.insert(record);
        } catch (RuntimeException e) {
            if (started != null) {
                started.kill();
            }
            throw new VmoException(
                    ErrorCode.STORE_UNAVAILABLE,
                    "the job was not started because it could not be" + " recorded: " + e.getMessage()
                            + "; check the daemon's database and try again",
                    e);
        }
        RunningJob job = new RunningJob(record, writer, clock, viewers.overflow());
        if (started != null) {
            job.started(started); // it runs already: a cancel from now on signals it, before its supervisor starts too
        }
        running.put(record.id(), job);
        announce(job.info());
        supervisor.start(job, process, () -> {
            running.remove(record.id());
            announce(job.info()); // after the end is stored: a watcher that lists jobs now sees it ended
        });
        log.info("job {} started: {}{}", record.id(), record.vm() == null ? "" : record.vm() + ": ", record.command());
        return job.info();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Stops a running job: SIGTERM to its process group, SIGKILL after the grace period. The future completes with
     * its end; for a job that has already ended, at once with how it ended.
     */
    public CompletableFuture<Response.JobDone> cancel(String idOrPrefix) {
        UUID id = resolve(idOrPrefix);
        RunningJob job = running.get(id);
        if (job == null) {
            return CompletableFuture.completedFuture(storedEnd(store.find(id).orElseThrow(() -> unknown(id))));
        }
        if (job.requestCancel()) {
            supervisor.cancel(job);
        }
        return job.finished();
    }

    /**
     * Sends the job's events with {@code seq > sinceSeq} to the subscriber: first {@code joined} with the job, then
     * every later event, each seq once and in order, then {@code job:done} once the end is stored. Returns once
     * the subscriber's cursor is set up: the events follow as fast as the subscriber takes them.
     */
    public void join(String idOrPrefix, long sinceSeq, Subscriber subscriber, Consumer<JobInfo> joined) {
        stream(resolve(idOrPrefix), log -> sinceSeq, subscriber, joined);
    }

    /**
     * As {@link #join}, but from a recent point: the events that hold the last {@link #ATTACH_REPLAY_BYTES} of
     * output, enough for a terminal to redraw the screen. With a size, the job's terminal is resized first, so a
     * full-screen program redraws for the newcomer.
     */
    public void attach(String idOrPrefix, TerminalSize size, Subscriber subscriber, Consumer<JobInfo> joined) {
        UUID id = resolve(idOrPrefix);
        RunningJob job = running.get(id);
        if (size != null && job != null && job.interactive()) {
            resize(job, size);
        }
        stream(
                id,
                log -> {
                    long inTail = log.startCovering(ATTACH_REPLAY_BYTES);
                    return inTail >= 0 ? inTail : store.recentStart(id, log.beforeTail(), ATTACH_REPLAY_BYTES);
                },
                subscriber,
                joined);
    }

    /** One path for join and attach: a cursor from {@code startAfter(the job's log)} on. */
    private void stream(UUID id, ToLongFunction<JobLog> startAfter, Subscriber subscriber, Consumer<JobInfo> joined) {
        RunningJob job = running.get(id);
        JobInfo info;
        JobLog log;
        if (job != null) {
            info = job.info();
            log = job.log();
        } else {
            failIfStoreDown();
            info = store.find(id).orElseThrow(() -> unknown(id));
            log = JobLog.finished(info.lastSeq(), storedEnd(info));
        }
        long start = startAfter.applyAsLong(log);
        joined.accept(info);
        viewers.follow(id, log, start, subscriber);
    }

    /** The subscriber can take more again: its cursors go on. Never blocks (called on network threads). */
    public void resume(Subscriber subscriber) {
        viewers.resume(subscriber);
    }

    /**
     * Writes typed text to an interactive job's terminal, and records that input happened (never what). Waits for
     * a remote terminal that is still connecting. Calls for one client must come in order, from one thread.
     */
    public void input(String idOrPrefix, String data) {
        RunningJob job = interactiveJob(idOrPrefix);
        TerminalProcess terminal = awaitTerminal(job);
        try {
            terminal.write(data.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new VmoException(
                    ErrorCode.JOB_ENDED, "job " + job.id() + " no longer takes input: " + e.getMessage());
        }
        job.markInput();
    }

    /** Resizes an interactive job's terminal; its program gets SIGWINCH. */
    public void resize(String idOrPrefix, TerminalSize size) {
        resize(interactiveJob(idOrPrefix), size);
    }

    private void resize(RunningJob job, TerminalSize size) {
        // A terminal still connecting is resized once it is there (its initial size came with the request).
        job.terminal().thenAccept(terminal -> {
            try {
                terminal.resize(size);
            } catch (IOException | RuntimeException e) {
                log.debug("job {}: resize to {} failed: {}", job.id(), size, e.toString()); // it is ending
            }
        });
    }

    private RunningJob interactiveJob(String idOrPrefix) {
        UUID id = resolve(idOrPrefix);
        RunningJob job = running.get(id);
        boolean interactive = job != null
                ? job.interactive()
                : store.find(id).orElseThrow(() -> unknown(id)).interactive();
        if (!interactive) {
            throw new VmoException(
                    ErrorCode.NOT_INTERACTIVE,
                    "job " + id + " is not interactive: it has no"
                            + " terminal to type into (run it with -i, or mark its target interactive in config.yml)");
        }
        if (job == null || job.ended()) {
            throw new VmoException(ErrorCode.JOB_ENDED, "job " + id + " has ended; it takes no more input");
        }
        return job;
    }

    private TerminalProcess awaitTerminal(RunningJob job) {
        try {
            return job.terminal().get(CONNECT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new VmoException(
                    ErrorCode.JOB_ENDED,
                    "job " + job.id() + " is still connecting after " + CONNECT_WAIT.toSeconds() + " s; try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmoException(ErrorCode.INTERNAL, "interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            throw new VmoException(ErrorCode.JOB_ENDED, "job " + job.id() + " has ended; it takes no more input");
        }
    }

    /**
     * Up to {@code limit} stored events after {@code afterSeq} (seqs are contiguous from 1), for paging. Fails
     * within a few seconds, saying why, when the store is down or cannot catch up.
     */
    public List<Chunk> storedEvents(String jobId, long afterSeq, int limit) {
        UUID id = UUID.fromString(jobId);
        failIfStoreDown();
        try {
            writer.barrier().get(STORED_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            throw storeUnavailable("the job's latest output is not stored yet");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmoException(ErrorCode.INTERNAL, "interrupted");
        }
        return store.events(id, afterSeq, afterSeq + limit, limit);
    }

    /** Reads that need the store fail at once while it is known to be down, instead of waiting on it. */
    private void failIfStoreDown() {
        health.problem().ifPresent(problem -> {
            throw storeUnavailable(problem);
        });
    }

    private VmoException storeUnavailable(String problem) {
        return new VmoException(
                ErrorCode.STORE_UNAVAILABLE,
                "the job store is unavailable: " + problem
                        + (running.isEmpty() ? "" : "; " + running.size() + " job(s) still run and keep their output")
                        + "; vmo retries by itself, so try again shortly (GET /healthz tells when it is back)");
    }

    public void leave(String idOrPrefix, Subscriber subscriber) {
        viewers.leave(resolve(idOrPrefix), subscriber);
    }

    /** From now on the subscriber is sent a {@code job:update} whenever a job starts or ends. */
    public void watch(Subscriber subscriber) {
        watchers.add(subscriber);
    }

    private void announce(JobInfo info) {
        var update = new Response.JobUpdate(info);
        watchers.forEach(w -> w.send(update));
    }

    /** The subscriber has gone (its connection closed). Takes no lock: called on network threads. */
    public void forget(Subscriber subscriber) {
        watchers.remove(subscriber);
        viewers.forget(subscriber);
    }

    public List<JobInfo> recent(int limit) {
        return recent(limit, null);
    }

    /** The newest jobs; only {@code user}'s, unless it is null. */
    public List<JobInfo> recent(int limit, String user) {
        failIfStoreDown();
        // Running jobs answer from memory: their lastSeq may be ahead of the store.
        return store.recent(limit, user).stream()
                .map(info -> {
                    RunningJob job = running.get(UUID.fromString(info.id()));
                    return job != null ? job.info() : info;
                })
                .toList();
    }

    public JobInfo find(String idOrPrefix) {
        UUID id = resolve(idOrPrefix);
        RunningJob job = running.get(id);
        if (job != null) {
            return job.info();
        }
        failIfStoreDown();
        return store.find(id).orElseThrow(() -> unknown(id));
    }

    /** A full id or unique prefix to a job: running jobs from memory (also while the store is down), else the store. */
    private UUID resolve(String idOrPrefix) {
        try {
            UUID id = UUID.fromString(idOrPrefix);
            if (running.containsKey(id)) {
                return id;
            }
        } catch (IllegalArgumentException notAFullId) {
            // a prefix: the store knows every job
        }
        if (health.problem().isPresent()) {
            String prefix = idOrPrefix.trim().toLowerCase(java.util.Locale.ROOT);
            List<UUID> matches = running.keySet().stream()
                    .filter(id -> id.toString().startsWith(prefix))
                    .toList();
            if (matches.size() == 1 && !prefix.isEmpty()) {
                return matches.getFirst(); // the store cannot say whether a finished job shares the prefix
            }
            failIfStoreDown();
        }
        return store.resolve(idOrPrefix);
    }

    private static Response.JobDone storedEnd(JobInfo info) {
        return new Response.JobDone(null, info.id(), info.status(), info.exitCode(), info.finishedAt());
    }

    private static VmoException unknown(UUID id) {
        return new VmoException(ErrorCode.UNKNOWN_JOB, "no job " + id + "; `vmo jobs` lists recent jobs");
    }

    /** Cancels what still runs (the daemon is stopping) and waits until their ends are stored. */
    @Override
    public void close() {
        List<CompletableFuture<Response.JobDone>> ending = running.values().stream()
                .map(job -> {
                    job.note("the daemon is stopping");
                    return cancel(job.id().toString());
                })
                .toList();
        try {
            CompletableFuture.allOf(ending.toArray(CompletableFuture[]::new))
                    .get(supervisor.cancelGrace().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            writer.barrier().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("some jobs had not ended when the daemon stopped: {}", running.keySet());
        }
        supervisor.close();
        viewers.close();
    }
}
