package io.vmo.daemon.job;

import io.vmo.protocol.JobStatus;
import java.time.Instant;
import java.util.UUID;

/** How a job ended, as stored after all of its events. */
public record Ending(UUID jobId, JobStatus status, Integer exitCode, Instant finishedAt) {}
