package io.vmo.protocol;

import java.time.Instant;
import java.util.List;

/**
 * A job a prune removed (or, in a dry run, would remove), with {@code bytes}, the size of its stored output. The
 * target it counts under is {@code project} and {@code target} for a make job, {@code vm} and {@code command} for
 * a VM job.
 */
public record PrunedJob(
        String id,
        String kind,
        String project,
        String target,
        String vm,
        List<String> command,
        JobStatus status,
        Instant startedAt,
        Instant finishedAt,
        long bytes) {}
