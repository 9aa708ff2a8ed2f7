package io.vmo.daemon.job;

import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job's process to its end: starts it (a remote one connects first), pumps its streams into the job,
 * lets output drain after the process exits, stops what is left, and records how it ended. Also the kill policy of
 * a cancel: SIGTERM (SIGHUP first for terminals), SIGKILL after the grace.
 */
final class JobSupervisor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobSupervisor.class);

    /**
     * Read buffer per stream, most of a running job's memory: a quiet job keeps the small one; one whose reads
     * fill it gets a bigger one, up to a full pipe's worth, so a flood costs fewer events, frames and rows per MB.
     */
    static final int MIN_READ_BUFFER = 8 * 1024;

    static final int MAX_READ_BUFFER = 64 * 1024;
    /** How long output may still arrive after make exits before leftover processes holding the pipes are stopped. */
    private static final Duration DRAIN = Duration.ofSeconds(2);

    private final Duration cancelGrace;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    /**
     * Output read in native code is read on platform threads ({@link JobProcess#readsInNativeCode}): pty4j's JNA
     * poll and local jobs' pipes pin a virtual thread to its carrier; two jobs starved every other virtual thread
     * on a 2-core machine.
     */
    private final ExecutorService nativeReaders = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("vmo-reader-", 0).daemon().factory());

    JobSupervisor(Duration cancelGrace) {
        this.cancelGrace = cancelGrace;
    }

    Duration cancelGrace() {
        return cancelGrace;
    }

    /** Supervises the job on a thread of its own; {@code persisted} runs once its end is stored. */
    void start(RunningJob job, Supplier<JobProcess> start, Runnable persisted) {
        threads.execute(() -> supervise(job, start, persisted));
    }

    private void supervise(RunningJob job, Supplier<JobProcess> start, Runnable persisted) {
        Integer exitCode = null;
        boolean broken = false;
        JobProcess process = null;
        try {
            boolean connecting = job.process() == null; // a local process is the job's from the start
            process = start.get();
            job.started(process);
            if (connecting && job.cancelRequested()) {
                process.kill(); // canceled while it was still connecting: no signal has reached it
            }
            JobProcess p = process;
            LogStream output = LogStream.STDOUT;
            ExecutorService readers = process.readsInNativeCode() ? nativeReaders : threads;
            if (process instanceof TerminalProcess terminal) {
                output = LogStream.PTY;
                job.terminal().complete(terminal);
            }
            LogStream out = output;
            var stdout = CompletableFuture.runAsync(() -> pump(p.stdout(), out, job), readers);
            var stderr = CompletableFuture.runAsync(() -> pump(p.stderr(), LogStream.STDERR, job), readers);
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
            log.error("job {} failed unexpectedly", job.id(), e);
            job.note("internal error while watching this job: " + e);
        }
        if (process != null) {
            try {
                if (broken) {
                    process.kill();
                }
                process.release();
            } catch (RuntimeException e) {
                log.warn(
                        "job {}: cleaning up after it failed: {}", job.id(), e.toString()); // the end is still recorded
            }
        }
        JobStatus status = job.cancelRequested()
                ? JobStatus.CANCELED
                : !broken && exitCode != null && exitCode == 0 ? JobStatus.SUCCESS : JobStatus.FAILED;
        job.end(status, exitCode, persisted);
        log.info("job {} ended: {} (exit code {})", job.id(), status.wireName(), exitCode);
    }

    /** SIGTERM to the job's processes now (if they have started), SIGKILL after the grace if still running. */
    void cancel(RunningJob job) {
        job.note("canceled on request: " + (job.interactive() ? "SIGHUP and SIGTERM" : "SIGTERM")
                + " to the job's processes, SIGKILL after " + cancelGrace.toMillis() + " ms");
        JobProcess process = job.process(); // null while a remote job is still connecting
        if (process != null) {
            process.terminate();
        }
        CompletableFuture.delayedExecutor(cancelGrace.toMillis(), TimeUnit.MILLISECONDS, threads)
                .execute(() -> {
                    JobProcess current = job.process();
                    if (!job.finished().isDone() && current != null && !job.ended()) {
                        job.note("still running after the grace period: SIGKILL");
                        current.kill();
                    }
                });
    }

    private static boolean awaited(CompletableFuture<?> future, Duration timeout) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return future.isDone();
        }
    }

    /**
     * Copies a stream into the job as chunks that never split a UTF-8 character. While the store cannot keep up
     * (or is down) {@link RunningJob#output} waits, this stops reading, and the process blocks on its full pipe.
     * Viewers never make it wait: they are woken, not written to.
     */
    static void pump(InputStream in, LogStream stream, RunningJob job) {
        byte[] buf = new byte[MIN_READ_BUFFER];
        int carried = 0;
        try (in) {
            int n;
            while ((n = in.read(buf, carried, buf.length - carried)) > 0) {
                int length = carried + n;
                int cut = Utf8Boundary.completePrefix(buf, length);
                if (cut > 0) {
                    job.output(stream, Arrays.copyOf(buf, cut));
                }
                carried = length - cut;
                byte[] next = length == buf.length && buf.length < MAX_READ_BUFFER ? new byte[buf.length * 2] : buf;
                System.arraycopy(buf, cut, next, 0, carried);
                buf = next;
            }
            if (carried > 0) {
                job.output(stream, Arrays.copyOf(buf, carried)); // a character cut off by the end: U+FFFD
            }
        } catch (IOException e) {
            job.note("reading " + stream.wireName() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the daemon is stopping
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
        nativeReaders.shutdownNow();
    }
}
