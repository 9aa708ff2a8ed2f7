package io.vmo.protocol;

import java.time.Instant;
import java.util.List;

/** Daemon to client: replies (carrying the request's {@code id}) and events pushed to joined clients. */
public sealed interface Response extends Message {

    record JobStarted(String id, JobInfo job) implements Response {}

    record JobJoined(String id, JobInfo job) implements Response {}

    /**
     * A piece of a job's output. {@code seq} counts from 1 per job, across all its streams; {@code chunk} is text
     * that never ends inside a UTF-8 character (bytes that are not UTF-8 arrive as U+FFFD).
     */
    record JobLog(String jobId, long seq, LogStream stream, String chunk, Instant ts) implements Response {}

    /** The job has ended; the last event a joined client receives for it. {@code exitCode} is null when none. */
    record JobDone(String id, String jobId, JobStatus status, Integer exitCode, Instant finishedAt)
            implements Response {}

    record JobList(String id, List<JobInfo> jobs) implements Response {}

    record ProjectList(String id, List<ProjectInfo> projects) implements Response {}

    /** {@code problem} is set (and {@code targets} empty) when make rejects the project's Makefile. */
    record TargetList(String id, String project, List<TargetInfo> targets, String problem) implements Response {}

    record VmList(String id, List<VmInfo> vms) implements Response {}

    /** Pushed to {@code watch-jobs} clients when any job starts or ends: the job as it now is. */
    record JobUpdate(JobInfo job) implements Response {}

    record Ack(String id) implements Response {}

    /** Something the client asked for could not be done; the connection stays usable. */
    record ErrorReply(String id, ErrorCode code, String message) implements Response {}
}
