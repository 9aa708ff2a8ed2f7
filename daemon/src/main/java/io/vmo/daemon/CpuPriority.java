package io.vmo.daemon;

import com.sun.jna.Function;
import com.sun.jna.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread's CPU priority: its nice value, which on Linux belongs to each thread, not to the process. A thread, and a
 * process, starts with the nice of the thread that created it; lowering it needs no privilege, raising it back does.
 * So a thread that lowers itself must not create what should keep normal priority (see the job package's launcher).
 * Elsewhere (macOS: nice is per process) this does nothing.
 */
public final class CpuPriority {

    private static final Logger log = LoggerFactory.getLogger(CpuPriority.class);
    private static final int PRIO_PROCESS = 0; // with a thread id, Linux sets that one thread's nice

    /**
     * The nice of the work done for viewers (the connections' threads, their reads of stored output): on a busy
     * machine a job's own pipeline — its process, pump, the event writer and PostgreSQL, all at normal priority —
     * goes first, and the viewers get what is left; on an idle machine a nice thread runs as soon as any other. At
     * the same priority, 200 viewers of a 50 MB job made its writing take twice as long as with no viewer (+100 to
     * +121 %, bench, fanout phase); the event writer fell behind, and its bound then held the job's pump back.
     */
    public static final int VIEWERS = 10;

    /** A thread factory whose threads lower themselves to {@code nice} before they run anything. */
    public static ThreadFactory lowered(ThreadFactory factory, int nice) {
        return task -> factory.newThread(() -> {
            lowerCurrentThread(nice);
            task.run();
        });
    }

    private CpuPriority() {}

    /**
     * Lowers the calling thread's priority to nice {@code nice} (higher = lower priority), never raising it: a daemon
     * started at a higher nice keeps it. Whether its nice is now at least {@code nice}.
     */
    public static boolean lowerCurrentThread(int nice) {
        OptionalInt tid = currentThreadId();
        OptionalInt now = currentThreadNice();
        if (tid.isEmpty() || now.isEmpty()) {
            return false;
        }
        if (now.getAsInt() >= nice) {
            return true;
        }
        try {
            int result = Function.getFunction(Platform.C_LIBRARY_NAME, "setpriority")
                    .invokeInt(new Object[] {PRIO_PROCESS, tid.getAsInt(), nice});
            if (result != 0) {
                log.debug("setpriority({}, {}) failed", tid.getAsInt(), nice);
            }
            return result == 0;
        } catch (Throwable e) {
            log.debug("cannot set thread {}'s nice: {}", tid.getAsInt(), e.toString());
            return false;
        }
    }

    /** The calling thread's nice value, where the kernel tells it per thread (Linux). */
    public static OptionalInt currentThreadNice() {
        try {
            // /proc/thread-self/stat: "tid (comm) state ..." — nice is the 19th field, the 17th after the comm.
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return OptionalInt.of(Integer.parseInt(fields[16]));
        } catch (Exception e) {
            return OptionalInt.empty();
        }
    }

    /** The calling thread's kernel id (Linux: the link /proc/thread-self is PID/task/TID). */
    private static OptionalInt currentThreadId() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
            return OptionalInt.of(Integer.parseInt(link.substring(link.lastIndexOf('/') + 1)));
        } catch (Exception e) {
            return OptionalInt.empty();
        }
    }
}
