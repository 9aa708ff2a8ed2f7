package io.vmo.daemon.job;

import java.io.IOException;
import java.io.InputStream;

/**
 * What a job runs — a local process group or a remote command — as {@link JobManager} supervises it: two output
 * streams, an end, and a way to stop all of it.
 */
public interface JobProcess {

    InputStream stdout();

    InputStream stderr();

    /** Blocks until it has ended; its exit code, or null when it has none (ended by a signal). */
    Integer waitFor() throws InterruptedException, IOException;

    /** SIGTERM to every process of the job. */
    void terminate();

    /** SIGKILL to every process of the job. */
    void kill();

    /**
     * Whether reading its output blocks in native code (a pipe's or a pseudo-terminal's file descriptor), which
     * pins a virtual thread to its carrier: such output is read on platform threads. Two local jobs' pumps pinned
     * both carriers of a 2-core machine, and every other virtual thread (request handlers) waited for them to end.
     */
    default boolean readsInNativeCode() {
        return false;
    }

    /** Frees what the job held (a remote session); called once it has ended. */
    default void release() {}
}
