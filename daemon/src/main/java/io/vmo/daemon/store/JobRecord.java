package io.vmo.daemon.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The row written when a job starts. */
public record JobRecord(
        UUID id, String kind, String project, String target, List<String> args, String vm, List<String> command,
        Path cwd, Long pid, Instant startedAt, boolean interactive) {}
