package io.vmo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The daemon's resident set size while a scenario runs: VmRSS from /proc/PID/status every {@link #INTERVAL_MS} ms
 * on a thread of its own. The kernel's own peak (VmHWM) is reset at the start ({@code echo 5 >
 * /proc/PID/clear_refs}, allowed for one's own processes) and read at the end, so a peak between two samples is
 * not missed; {@link #peakKb()} is the higher of the two.
 */
final class RssSampler implements AutoCloseable {

    static final int INTERVAL_MS = 50;

    private final long pid;
    private final Thread thread;
    private final long startKb;
    private final boolean hwmReset;
    private volatile boolean stop;
    private volatile long sampledPeakKb;
    private volatile int samples;
    private long hwmKb = -1;

    private RssSampler(long pid) {
        this.pid = pid;
        this.hwmReset = resetHwm(pid);
        this.startKb = Machine.statusKb(pid, "VmRSS");
        this.sampledPeakKb = startKb;
        this.thread = Thread.ofPlatform().daemon().name("rss-" + pid).start(this::sample);
    }

    static RssSampler start(long pid) {
        return new RssSampler(pid);
    }

    private static boolean resetHwm(long pid) {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void sample() {
        while (!stop) {
            long kb = Machine.statusKb(pid, "VmRSS");
            if (kb > sampledPeakKb) {
                sampledPeakKb = kb;
            }
            samples++;
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops sampling (idempotent) and takes the kernel's peak. */
    @Override
    public synchronized void close() {
        if (stop) {
            return;
        }
        stop = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long kb = Machine.statusKb(pid, "VmRSS");
        sampledPeakKb = Math.max(sampledPeakKb, kb);
        samples++;
        if (hwmReset) {
            hwmKb = Machine.statusKb(pid, "VmHWM");
        }
    }

    long startKb() {
        return startKb;
    }

    /** The highest RSS seen: sampled, or the kernel's VmHWM since the start when it could be reset. */
    long peakKb() {
        return Math.max(sampledPeakKb, hwmKb);
    }

    int samples() {
        return samples;
    }

    boolean hwmUsed() {
        return hwmReset && hwmKb >= 0;
    }
}
