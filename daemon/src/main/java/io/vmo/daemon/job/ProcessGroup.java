package io.vmo.daemon.job;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals a whole process group with {@code kill -SIG -- -pgid}: Java can only signal single pids, and a job's
 * children must not survive it.
 */
public final class ProcessGroup {

    private static final Logger log = LoggerFactory.getLogger(ProcessGroup.class);

    private ProcessGroup() {}

    /** {@code signal} is a name such as TERM; a group that is already gone is fine. */
    public static void signal(long pgid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor();
        } catch (IOException e) {
            log.warn("cannot signal process group {}: {}", pgid, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
