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

    /** Frees what the job held (a remote session); called once it has ended. */
    default void release() {}
}
