package io.vmo.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Daemon to client: replies (carrying the request's {@code id}) and events pushed to joined clients. */
public sealed interface Response extends Message {

    record JobStarted(String id, JobInfo job) implements Response {}

    record JobJoined(String id, JobInfo job) implements Response {}

    /**
     * A piece of a job's output: {@code data}, the bytes the process wrote, never ending inside a UTF-8 character.
     * {@code seq} counts from 1 per job, across all its streams. As JSON it carries {@code chunk}, the bytes as
     * text (bytes that are not UTF-8 become U+FFFD); as a binary frame ({@link LogFrame}), the bytes themselves.
     * {@code data} is shared, not copied: nobody may change it. ({@link Codec} maps {@code data} to {@code chunk}.)
     */
    record JobLog(String jobId, long seq, LogStream stream, byte[] data, Instant ts) implements Response {

        /** Any text: its UTF-8 bytes. */
        public JobLog(String jobId, long seq, LogStream stream, String chunk, Instant ts) {
            this(jobId, seq, stream, chunk == null ? new byte[0] : chunk.getBytes(StandardCharsets.UTF_8), ts);
        }

        /** The bytes as text, as JSON carries them. */
        public String chunk() {
            return new String(data, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof JobLog l
                    && seq == l.seq
                    && Objects.equals(jobId, l.jobId)
                    && stream == l.stream
                    && Arrays.equals(data, l.data)
                    && Objects.equals(ts, l.ts);
        }

        @Override
        public int hashCode() {
            return Objects.hash(jobId, seq, stream, Arrays.hashCode(data), ts);
        }

        @Override
        public String toString() {
            return "JobLog[jobId=" + jobId + ", seq=" + seq + ", stream=" + stream + ", " + data.length + " bytes, ts="
                    + ts + "]";
        }
    }

    /** The job has ended; the last event a joined client receives for it. {@code exitCode} is null when none. */
    record JobDone(String id, String jobId, JobStatus status, Integer exitCode, Instant finishedAt)
            implements Response {}

    record JobList(String id, List<JobInfo> jobs) implements Response {}

    /** The reply to {@code get-job}. */
    record JobFound(String id, JobInfo job) implements Response {}

    /** The reply to {@code list-events}: stored events in seq order, and the job's last seq so far. */
    record EventPage(String id, String jobId, List<JobLog> events, long lastSeq) implements Response {}

    record ProjectList(String id, List<ProjectInfo> projects) implements Response {}

    /** {@code problem} is set (and {@code targets} empty) when make rejects the project's Makefile. */
    record TargetList(String id, String project, List<TargetInfo> targets, String problem) implements Response {}

    record VmList(String id, List<VmInfo> vms) implements Response {}

    /** Pushed to {@code watch-jobs} clients when any job starts or ends: the job as it now is. */
    record JobUpdate(JobInfo job) implements Response {}

    record Ack(String id) implements Response {}

    /** The reply to {@code diagnose}: the daemon's version ({@code 0.1.0 (commit 1a2b3c4)}) and its checks. */
    record Diagnosis(String id, String version, List<Check> checks) implements Response {}

    /** The reply to {@code add-user}: the user, and its token, shown this once. */
    record UserAdded(String id, UserInfo user, String token) implements Response {
        /** Without the token: a reply may be logged. */
        @Override
        public String toString() {
            return "UserAdded[id=" + id + ", user=" + user + ", token=(not shown)]";
        }
    }

    record UserList(String id, List<UserInfo> users) implements Response {}

    /** The reply to {@code revoke-user}: the user as it now is, and how many browser sessions of it ended. */
    record UserRevoked(String id, UserInfo user, int sessionsEnded) implements Response {}

    /** The reply to {@code create-login-link}: the link's path ({@code /login?token=…}) and whom it signs in. */
    record LoginLink(String id, String path, String user) implements Response {
        @Override
        public String toString() {
            return "LoginLink[id=" + id + ", user=" + user + ", path=(not shown)]";
        }
    }

    /**
     * The reply to {@code prune}: what was removed (with {@code dryRun}: what would be) under the policy
     * ({@code days}, {@code keepLastPerTarget}) — {@code jobs} jobs with {@code bytes} of output, listed in
     * {@code removed} oldest first (at most {@link #MAX_LISTED}; {@code jobs} counts them all) — and how long it took
     * in all ({@code millis}), of which the VACUUM after the deletes ({@code vacuumMillis}).
     */
    record PruneReport(
            String id,
            boolean dryRun,
            int days,
            int keepLastPerTarget,
            Instant cutoff,
            long jobs,
            long bytes,
            List<PrunedJob> removed,
            long millis,
            long vacuumMillis)
            implements Response {
        public static final int MAX_LISTED = 1000;
    }

    /** The reply to {@code get-storage}. */
    record Storage(String id, StorageInfo storage) implements Response {}

    /** Something the client asked for could not be done; the connection stays usable. */
    record ErrorReply(String id, ErrorCode code, String message) implements Response {}

    /** The reply to {@code list-audit}: audit events, oldest first. */
    record AuditList(String id, List<AuditEvent> events) implements Response {}

    /**
     * The reply to {@code verify-audit}. {@code ok} when every row from {@code firstSeq} to {@code lastSeq} is
     * present and unaltered and the chain ends where the daemon's own record of its head says ({@code headSeq}).
     * Otherwise {@code badSeq} is the first row that is wrong (altered, missing, or the first of a deleted tail),
     * {@code problem} says what is wrong and {@code advice} what to do.
     */
    record AuditVerified(
            String id,
            boolean ok,
            long rows,
            long firstSeq,
            long lastSeq,
            long headSeq,
            Long badSeq,
            String problem,
            String advice)
            implements Response {}
}
