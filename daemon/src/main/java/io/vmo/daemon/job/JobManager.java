package io.vmo.daemon.job;

import io.vmo.daemon.catalog.Project;
import io.vmo.daemon.catalog.Registry;
import io.vmo.daemon.catalog.VmCatalog;
import io.vmo.daemon.store.EventWriter;
import io.vmo.daemon.store.JobRecord;
import io.vmo.daemon.store.JobStore;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmInfo;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts, watches, cancels and replays jobs. Running jobs live here until their end is stored. */
public final class JobManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobManager.class);

    /** Per stream; two of them are most of a running job's memory. */
    static final int READ_BUFFER = 32 * 1024;
    /** How long output may still arrive after make exits before leftover processes holding the pipes are stopped. */
    private static final Duration DRAIN = Duration.ofSeconds(2);

    private final Registry registry;
    private final VmCatalog vms;
    private final RemoteLauncher remote;
    private final JobStore store;
    private final EventWriter writer;
    private final Clock clock;
    private final Duration cancelGrace;
    private final ConcurrentHashMap<UUID, RunningJob> running = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, JobProcess> processes = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    /** Clients that asked (watch-jobs) to hear of every job's start and end. */
    private final java.util.Set<Subscriber> watchers = ConcurrentHashMap.newKeySet();

    public JobManager(Registry registry, VmCatalog vms, RemoteLauncher remote, JobStore store, EventWriter writer,
            Clock clock, Duration cancelGrace) {
        this.registry = registry;
        this.vms = vms;
        this.remote = remote;
        this.store = store;
        this.writer = writer;
        this.clock = clock;
        this.cancelGrace = cancelGrace;
    }

    /** Starts the job the request asks for; it is stored and running when this returns. */
    public JobInfo execute(Request.ExecuteCommand request) {
        return request.vm() != null ? executeRemote(request) : executeMake(request);
    }

    private JobInfo executeMake(Request.ExecuteCommand request) {
        Project project = registry.project(request.project());
        MakeCommand command = new MakeCommand(project, request.target(), request.args());
        LocalProcess process;
        try {
            process = LocalProcess.start(command.argv(), project.dir());
        } catch (IOException e) {
            throw new VmoException(ErrorCode.SPAWN_FAILED, "cannot start make in " + project.dir() + ": "
                    + e.getMessage() + "; check that make is installed and on the daemon's PATH");
        }
        var record = new JobRecord(UUID.randomUUID(), "make", project.alias(), request.target(), command.args(),
                null, command.argv(), project.dir(), process.pid(), now());
        return launch(record, () -> process, process);
    }

    /** Recorded at once; connecting happens on the job's own thread, and a failure to connect fails the job. */
    private JobInfo executeRemote(Request.ExecuteCommand request) {
        VmInfo vm = vms.vm(request.vm());
        if (request.command().stream().anyMatch(arg -> arg.indexOf('\0') >= 0)) {
            throw new VmoException(ErrorCode.INVALID_ARGUMENT, "a remote command argument contains NUL, which no"
                    + " program can receive; remove it");
        }
        var record = new JobRecord(UUID.randomUUID(), "ssh", null, null, List.of(), vm.name(), request.command(),
                null, null, now());
        return launch(record, () -> remote.start(vm, request.command()), null);
    }

    /** Stores the job, then supervises it; {@code started}, if not null, is killed when the job cannot be stored. */
    private JobInfo launch(JobRecord record, Supplier<JobProcess> process, JobProcess started) {
        try {
            store.insert(record);
        } catch (RuntimeException e) {
            if (started != null) {
                started.kill();
            }
            throw new VmoException(ErrorCode.STORE_UNAVAILABLE, "the job was not started because it could not be"
                    + " recorded: " + e.getMessage() + "; check the daemon's database and try again", e);
        }
        RunningJob job = new RunningJob(record, writer, clock);
        running.put(record.id(), job);
        announce(job.info());
        threads.execute(() -> supervise(job, process));
        log.info("job {} started: {}{}", record.id(), record.vm() == null ? "" : record.vm() + ": ", record.command());
        return job.info();
    }

    /** Starts (if need be) the process, reads both streams to the end and records how the job ended. */
    private void supervise(RunningJob job, Supplier<JobProcess> start) {
        UUID id = job.id();
        Integer exitCode = null;
        boolean broken = false;
        JobProcess process = null;
        try {
            process = start.get();
            processes.put(id, process);
            if (job.cancelRequested()) {
                process.kill(); // canceled while it was still connecting
            }
            JobProcess p = process;
            var stdout = CompletableFuture.runAsync(() -> pump(p.stdout(), LogStream.STDOUT, job), threads);
            var stderr = CompletableFuture.runAsync(() -> pump(p.stderr(), LogStream.STDERR, job), threads);
            var pipes = CompletableFuture.allOf(stdout, stderr);
            exitCode = process.waitFor();
            if (job.cancelRequested()) {
                // Cancel means none of the job's processes survive, whatever they do with signals.
                process.kill();
            } else if (!awaited(pipes, DRAIN)) {
                job.note("the command exited but processes it started still hold its output open; stopping them");
                process.terminate();
                if (!awaited(pipes, cancelGrace)) {
                    process.kill();
                }
            }
            pipes.join();
        } catch (VmoException e) {
            broken = true;
            job.note(e.getMessage());
        } catch (IOException e) {
            broken = true;
            job.note("the connection was lost: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            broken = true;
        } catch (RuntimeException e) {
            broken = true;
            log.error("job {} failed unexpectedly", id, e);
            job.note("internal error while watching this job: " + e);
        }
        if (process != null) {
            try {
                if (broken) {
                    process.kill();
                }
                process.release();
            } catch (RuntimeException e) {
                log.warn("job {}: cleaning up after it failed: {}", id, e.toString()); // the end is still recorded
            }
        }
        JobStatus status = job.cancelRequested() ? JobStatus.CANCELED
                : !broken && exitCode != null && exitCode == 0 ? JobStatus.SUCCESS : JobStatus.FAILED;
        processes.remove(id);
        job.end(status, exitCode, () -> {
            running.remove(id);
            announce(job.info()); // after the end is stored: a watcher that lists jobs now sees it ended
        });
        log.info("job {} ended: {} (exit code {})", id, status.wireName(), exitCode);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static boolean awaited(CompletableFuture<?> future, Duration timeout) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return future.isDone();
        }
    }

    /** Copies a stream into the job as chunks that never split a UTF-8 character. */
    private static void pump(InputStream in, LogStream stream, RunningJob job) {
        byte[] buf = new byte[READ_BUFFER];
        int carried = 0;
        try (in) {
            int n;
            while ((n = in.read(buf, carried, buf.length - carried)) > 0) {
                int length = carried + n;
                int cut = Utf8Boundary.completePrefix(buf, length);
                if (cut > 0) {
                    job.emit(stream, Arrays.copyOf(buf, cut));
                }
                carried = length - cut;
                System.arraycopy(buf, cut, buf, 0, carried);
            }
        } catch (IOException e) {
            job.note("reading " + stream.wireName() + " failed: " + e.getMessage());
        }
        if (carried > 0) {
            job.emit(stream, Arrays.copyOf(buf, carried)); // a character cut off by the end: U+FFFD
        }
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
            job.note("canceled on request: SIGTERM to the job's processes, SIGKILL after "
                    + cancelGrace.toMillis() + " ms");
            JobProcess process = processes.get(id); // null while a remote job is still connecting
            if (process != null) {
                process.terminate();
            }
            CompletableFuture.delayedExecutor(cancelGrace.toMillis(), TimeUnit.MILLISECONDS, threads).execute(() -> {
                JobProcess current = processes.get(id);
                if (!job.finished().isDone() && current != null) {
                    job.note("still running after the grace period: SIGKILL");
                    current.kill();
                }
            });
        }
        return job.finished();
    }

    /**
     * Sends the job's events with {@code seq > sinceSeq} to the subscriber: first {@code joined} with the job, then
     * the stored history, then live events until {@code job:done}, each seq once and in order. Blocks while
     * replaying; call it off the network threads.
     */
    public void join(String idOrPrefix, long sinceSeq, Subscriber subscriber, Consumer<JobInfo> joined) {
        UUID id = resolve(idOrPrefix);
        RunningJob job = running.get(id);
        if (job != null) {
            Subscription subscription = new Subscription(subscriber);
            long upTo = job.subscribe(subscriber, subscription);
            joined.accept(job.info());
            writer.barrier().join(); // everything up to upTo is in the store after this
            replay(id, sinceSeq, upTo, subscriber);
            subscription.release();
        } else {
            JobInfo info = store.find(id).orElseThrow(() -> unknown(id));
            joined.accept(info);
            replay(id, sinceSeq, info.lastSeq(), subscriber);
            subscriber.send(storedEnd(info));
        }
    }

    private void replay(UUID id, long afterSeq, long upToSeq, Subscriber subscriber) {
        if (afterSeq < upToSeq) {
            store.events(id, afterSeq, upToSeq, chunk -> {
                subscriber.awaitCapacity();
                subscriber.send(chunk.toMessage());
            });
        }
    }

    /** Up to {@code limit} stored events after {@code afterSeq} (seqs are contiguous from 1), for paging. */
    public void storedEvents(String jobId, long afterSeq, int limit, Consumer<Chunk> sink) {
        UUID id = UUID.fromString(jobId);
        writer.barrier().join();
        store.events(id, afterSeq, afterSeq + limit, sink);
    }

    public void leave(String idOrPrefix, Subscriber subscriber) {
        RunningJob job = running.get(resolve(idOrPrefix));
        if (job != null) {
            job.unsubscribe(subscriber);
        }
    }

    /** From now on the subscriber is sent a {@code job:update} whenever a job starts or ends. */
    public void watch(Subscriber subscriber) {
        watchers.add(subscriber);
    }

    private void announce(JobInfo info) {
        var update = new Response.JobUpdate(info);
        watchers.forEach(w -> w.send(update));
    }

    /** The subscriber has gone (its connection closed). */
    public void forget(Subscriber subscriber) {
        watchers.remove(subscriber);
        running.values().forEach(job -> job.unsubscribe(subscriber));
    }

    public List<JobInfo> recent(int limit) {
        // Running jobs answer from memory: their lastSeq may be ahead of the store.
        return store.recent(limit).stream()
                .map(info -> {
                    RunningJob job = running.get(UUID.fromString(info.id()));
                    return job != null ? job.info() : info;
                })
                .toList();
    }

    public JobInfo find(String idOrPrefix) {
        UUID id = resolve(idOrPrefix);
        RunningJob job = running.get(id);
        return job != null ? job.info() : store.find(id).orElseThrow(() -> unknown(id));
    }

    private UUID resolve(String idOrPrefix) {
        try {
            UUID id = UUID.fromString(idOrPrefix);
            if (running.containsKey(id)) {
                return id;
            }
        } catch (IllegalArgumentException notAFullId) {
            // a prefix: the store knows every job
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
                    .get(cancelGrace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            writer.barrier().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("some jobs had not ended when the daemon stopped: {}", running.keySet());
        }
        threads.shutdownNow();
    }
}
