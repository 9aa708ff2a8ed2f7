package io.vmo.protocol;

import java.time.Instant;
import java.util.List;

/**
 * What the daemon knows of a job. {@code kind} is {@code make} (with {@code project}, {@code target}, {@code args})
 * or {@code ssh} (with {@code vm}); {@code command} is the exact argv that ran (on the VM, for ssh);
 * {@code lastSeq} the highest event sequence number the daemon had assigned when it answered; {@code interactive}
 * whether it runs in a pseudo-terminal (its output is the {@code pty} stream, it takes {@code stdin});
 * {@code provenance} who asked for it, through which client, from where.
 */
public record JobInfo(
        String id,
        String kind,
        String project,
        String target,
        List<String> args,
        String vm,
        List<String> command,
        JobStatus status,
        Integer exitCode,
        Instant startedAt,
        Instant finishedAt,
        long lastSeq,
        boolean interactive,
        Provenance provenance) {

    public JobInfo {
        args = List.copyOf(args);
        command = List.copyOf(command);
        if (provenance == null) {
            provenance = Provenance.UNKNOWN;
        }
    }

    /** The user who asked for it ({@code owner} for jobs from before users existed). */
    public String requestedBy() {
        return provenance.user();
    }
}
