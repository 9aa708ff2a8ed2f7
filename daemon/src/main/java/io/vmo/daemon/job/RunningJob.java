package io.vmo.daemon.job;

import io.vmo.protocol.JobInfo;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A job the daemon is running. Its lock orders everything that happens to it: each chunk gets the next seq and
 * goes to the event writer and to the job's {@link JobLog} under the lock, so the store and every viewer see the
 * same order. Viewers are {@link Cursor}s, which the job only wakes: it never waits for one. Nothing under the
 * lock waits: output waits for room in the writer's queue before taking it ({@link #output}), so a store outage
 * never holds up readers of the job or connection clean-up.
 */
final class RunningJob {

    private final JobRecord record;
    private final OutputQueue writer;
    private final Clock clock;
    private final JobLog log;
    private final Set<Cursor> cursors = ConcurrentHashMap.newKeySet();
    private final Ration ration = new Ration(cursors::size);
    private final CompletableFuture<Response.JobDone> finished = new CompletableFuture<>();
    /** An interactive job's terminal, once its process has started (a remote one connects first). */
    private final CompletableFuture<TerminalProcess> terminal = new CompletableFuture<>();

    private Response.JobDone done;
    /**
     * {@link #done} once it is in the store: until then the job shows as the store has it, running. Read without
     * the lock: 200 viewers joining at once queued on it in {@link #info} (131 of them in one thread dump), with the
     * job's pump, which needs it for every chunk, among them.
     */
    private volatile Response.JobDone storedEnd;

    private boolean cancelRequested;
    /** What the job runs, once started (a remote one connects first). */
    private volatile JobProcess process;
    /** When the last {@code input} marker was recorded: at most one a second, however fast the typing. */
    private Instant lastInputMark;

    RunningJob(JobRecord record, OutputQueue writer, Clock clock) {
        this(record, writer, clock, JobLog.Overflow.NONE);
    }

    /** {@code overflow}: where its log's tail puts what it lets go of while a viewer still needs it. */
    RunningJob(JobRecord record, OutputQueue writer, Clock clock, JobLog.Overflow overflow) {
        this.log = new JobLog(0, new HeldBack(overflow));
        this.record = record;
        this.writer = writer;
        this.clock = clock;
    }

    UUID id() {
        return record.id();
    }

    /**
     * The job's own output: waits (holding no lock) while the writer's queue is full — the store is down or
     * behind — so the process is paused by its full pipe rather than anything being dropped.
     */
    void output(LogStream stream, byte[] data) throws InterruptedException {
        writer.awaitRoom();
        emit(stream, data);
        ration.wrote(data.length);
    }

    /** Records and streams an event at once: for vmo's own notes and markers, which are small and few. */
    private void emit(LogStream stream, byte[] data) {
        synchronized (this) {
            // Only here does the log grow, under this lock: its last seq is the job's.
            Chunk chunk = new Chunk(record.id(), log.lastSeq() + 1, stream, now(), data);
            writer.append(chunk);
            log.append(chunk);
        }
        cursors.forEach(Cursor::outputArrived);
    }

    JobLog log() {
        return log;
    }

    /** What its viewers may be sent while it floods. */
    Ration ration() {
        return ration;
    }

    void started(JobProcess process) {
        this.process = process;
    }

    /** What the job runs, or null while it is still starting. */
    JobProcess process() {
        return process;
    }

    /** Records that someone typed into the job, never what: at most one empty {@code input} event a second. */
    synchronized void markInput() {
        Instant now = now();
        if (lastInputMark == null || !now.isBefore(lastInputMark.plusSeconds(1))) {
            lastInputMark = now;
            emit(LogStream.INPUT, new byte[0]);
        }
    }

    boolean interactive() {
        return record.interactive();
    }

    CompletableFuture<TerminalProcess> terminal() {
        return terminal;
    }

    /** A line of vmo's own about this job, recorded and streamed like its output. */
    void note(String text) {
        emit(LogStream.SYSTEM, ("vmo: " + text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Records the end. Subscribers get {@code job:done} only once the end, and so every event before it, is in
     * the store: a client that has seen {@code job:done} finds the whole job there. {@code persisted} runs then too.
     */
    synchronized void end(JobStatus status, Integer exitCode, Runnable persisted) {
        Instant now = now();
        Response.JobDone end = new Response.JobDone(null, record.id().toString(), status, exitCode, now);
        terminal.cancel(false); // no-op once it started; else whoever waits to type learns it never will
        done = end;
        ration.end();
        writer.end(new Ending(record.id(), status, exitCode, now)).thenRun(() -> {
            storedEnd = end;
            log.end(end);
            cursors.forEach(Cursor::wake);
            finished.complete(end);
            persisted.run();
        });
    }

    /** Marks the job canceled; returns false if it already was, or has ended. */
    synchronized boolean requestCancel() {
        if (cancelRequested || done != null) {
            return false;
        }
        cancelRequested = true;
        return true;
    }

    synchronized boolean ended() {
        return done != null;
    }

    synchronized boolean cancelRequested() {
        return cancelRequested;
    }

    /** From now on the cursor is woken whenever the job has more for it, and at its end. */
    void watch(Cursor cursor) {
        cursors.add(cursor);
        cursor.wake();
    }

    /** Takes no lock: connection clean-up runs on network threads, which must never wait for a job. */
    void unwatch(Cursor cursor) {
        cursors.remove(cursor);
    }

    CompletableFuture<Response.JobDone> finished() {
        return finished;
    }

    /**
     * As clients see it: an end shows once it is stored; until then the job is running, as its row says. Takes no
     * lock (see {@link #storedEnd}); the end is read first, so an ended job's last seq is its final one.
     */
    JobInfo info() {
        Response.JobDone end = storedEnd;
        return new JobInfo(
                record.id().toString(),
                record.kind(),
                record.project(),
                record.target(),
                record.args(),
                record.vm(),
                record.command(),
                end == null ? JobStatus.RUNNING : end.status(),
                end == null ? null : end.exitCode(),
                record.startedAt(),
                end == null ? null : end.finishedAt(),
                log.lastSeq(),
                record.interactive(),
                record.provenance());
    }

    /**
     * Where the tail's events go once let go of: nowhere while the job floods. Its viewers that fell behind then wait
     * for the flood to end ({@link Ration}); keeping what they will read only then, up to 64 MiB, cost the job's own
     * writing the garbage collections that copied it (bench, fanout).
     */
    private final class HeldBack implements JobLog.Overflow {

        private final JobLog.Overflow overflow;

        HeldBack(JobLog.Overflow overflow) {
            this.overflow = overflow;
        }

        @Override
        public void letGo(JobLog l, List<Chunk> stillNeeded) {
            if (!ration.flooding()) {
                overflow.letGo(l, stillNeeded);
            }
        }

        @Override
        public void unread(JobLog l) {
            overflow.unread(l);
        }
    }

    /** Microseconds, as PostgreSQL keeps them: a replayed event carries the same ts as the live one did. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
