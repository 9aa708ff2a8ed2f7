package io.vmo.daemon.job;

import io.vmo.protocol.Provenance;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The row written when a job starts. {@code pid}: its local process group, if any; {@code stamp}: proof of which
 * process that pid meant (null where the system cannot give one), so a later daemon never signals a reused pid;
 * {@code provenance}: who asked for it, through which client, from where.
 */
public record JobRecord(
        UUID id,
        String kind,
        String project,
        String target,
        List<String> args,
        String vm,
        List<String> command,
        Path cwd,
        Long pid,
        ProcessStamp stamp,
        Instant startedAt,
        boolean interactive,
        Provenance provenance) {}
