package io.vmo.daemon.job;

import io.vmo.daemon.catalog.Project;
import io.vmo.daemon.catalog.Registry;
import io.vmo.daemon.store.EventWriter;
import io.vmo.daemon.store.JobRecord;
import io.vmo.daemon.store.JobStore;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
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
    private final JobStore store;
    private final EventWriter writer;
    private final Clock clock;
    private final Duration cancelGrace;
    private final ConcurrentHashMap<UUID, RunningJob> running = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, LocalProcess> processes = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    public JobManager(Registry registry, JobStore store, EventWriter writer, Clock clock, Duration cancelGrace) {
        this.registry = registry;
        this.store = store;
        this.writer = writer;
        this.clock = clock;
        this.cancelGrace = cancelGrace;
    }

    /** Starts {@code make} for the request; the job is stored and running when this returns. */
    public JobInfo execute(Request.ExecuteCommand request) {
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
                command.argv(), project.dir(), process.pid(), clock.instant().truncatedTo(ChronoUnit.MICROS));
        try {
            store.insert(record);
        } catch (RuntimeException e) {
            process.signalGroup(LocalProcess.Signal.KILL);
            throw new VmoException(ErrorCode.STORE_UNAVAILABLE, "the job was not started because it could not be"
                    + " recorded: " + e.getMessage() + "; check the daemon's database and try again", e);
        }
        RunningJob job = new RunningJob(record, writer, clock);
        running.put(record.id(), job);
        processes.put(record.id(), process);
        threads.execute(() -> supervise(job, process));
        log.info("job {} started: {}", record.id(), command.argv());
        return job.info();
    }

    /** Reads both streams to the end and records how the job ended. */
    private void supervise(RunningJob job, LocalProcess process) {
        Integer exitCode = null;
        try {
            var stdout = CompletableFuture.runAsync(() -> pump(process.stdout(), LogStream.STDOUT, job), threads);
            var stderr = CompletableFuture.runAsync(() -> pump(process.stderr(), LogStream.STDERR, job), threads);
            var pipes = CompletableFuture.allOf(stdout, stderr);
            exitCode = process.waitFor();
            if (job.cancelRequested()) {
                // Cancel means none of the job's processes survive, whatever make's children do with signals.
                process.signalGroup(LocalProcess.Signal.KILL);
            } else if (!awaited(pipes, DRAIN)) {
                job.note("make exited but processes it started still hold its output open; stopping them");
                process.signalGroup(LocalProcess.Signal.TERM);
                if (!awaited(pipes, cancelGrace)) {
                    process.signalGroup(LocalProcess.Signal.KILL);
                }
            }
            pipes.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.signalGroup(LocalProcess.Signal.KILL);
        } catch (RuntimeException e) {
            log.error("job {} failed unexpectedly", job.id(), e);
            job.note("internal error while watching this job: " + e);
            process.signalGroup(LocalProcess.Signal.KILL);
        }
        JobStatus status = job.cancelRequested() ? JobStatus.CANCELED
                : exitCode != null && exitCode == 0 ? JobStatus.SUCCESS : JobStatus.FAILED;
        UUID id = job.id();
        processes.remove(id);
        job.end(status, exitCode, () -> running.remove(id));
        log.info("job {} ended: {} (exit code {})", id, status.wireName(), exitCode);
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
        LocalProcess process = processes.get(id);
        if (job.requestCancel() && process != null) {
            job.note("canceled on request: SIGTERM to the job's processes, SIGKILL after "
                    + cancelGrace.toMillis() + " ms");
            process.signalGroup(LocalProcess.Signal.TERM);
            CompletableFuture.delayedExecutor(cancelGrace.toMillis(), TimeUnit.MILLISECONDS, threads).execute(() -> {
                if (!job.finished().isDone()) {
                    job.note("still running after the grace period: SIGKILL");
                    process.signalGroup(LocalProcess.Signal.KILL);
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

    /** The subscriber has gone (its connection closed). */
    public void forget(Subscriber subscriber) {
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
