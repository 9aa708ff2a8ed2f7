package io.vmo.protocol;

import java.time.Instant;

/**
 * What the store holds: {@code databaseBytes}, vmo's database on disk; {@code outputBytes}, the output table with
 * its indexes and out-of-line data; {@code jobs}; the oldest job kept ({@code oldestJobId}, {@code oldestStartedAt},
 * null when there is none); the retention policy in force ({@code days}, {@code keepLastPerTarget}; {@code problem}
 * when config.yml cannot be used, and then nothing is pruned); and the last prune this daemon ran
 * ({@code lastPrunedAt}, {@code lastPrunedJobs}, {@code lastPrunedBytes}; null before the first).
 */
public record StorageInfo(
        long databaseBytes,
        long outputBytes,
        long jobs,
        String oldestJobId,
        Instant oldestStartedAt,
        int days,
        int keepLastPerTarget,
        String problem,
        Instant lastPrunedAt,
        Long lastPrunedJobs,
        Long lastPrunedBytes) {}
