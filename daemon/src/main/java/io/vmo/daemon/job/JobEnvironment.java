package io.vmo.daemon.job;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The environment a local job starts with: the daemon's own, less the state of a make that started the daemon,
 * plus {@value OrphanReaper#JOB_ID_VARIABLE}. Under {@code make run} the daemon inherits MAKEFLAGS (with the outer
 * make's -j and command-line variables), MAKELEVEL and MFLAGS; a job's make would obey them as its own.
 */
final class JobEnvironment {

    private JobEnvironment() {}

    static Map<String, String> of(Map<String, String> daemon, UUID jobId) {
        Map<String, String> env = new HashMap<>(daemon);
        env.keySet().removeIf(MakeVariable::isMakeState);
        // Marks every process of the job, so that a daemon starting after a crash can tell them (OrphanReaper).
        env.put(OrphanReaper.JOB_ID_VARIABLE, jobId.toString());
        return env;
    }
}
