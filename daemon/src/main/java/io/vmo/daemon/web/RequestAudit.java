package io.vmo.daemon.web;

import io.vmo.daemon.access.Caller;
import io.vmo.daemon.audit.AuditEntry;
import io.vmo.daemon.audit.AuditTrail;
import io.vmo.daemon.retention.Retention;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which requests the audit trail records, and how: job actions (execute, cancel, attach, the first input a
 * connection types into a job), users added and revoked, login links made, prunes, audit verification, any request
 * refused as invalid, and any request refused for the caller's role or because the caller was revoked. Reads are
 * not recorded. The details hold no typed text, no make arguments (a variable may carry a secret), no token and no
 * login link: a job's project and target, or its VM, and the client that started it; a new user's role; an error's
 * code.
 */
final class RequestAudit {

    /**
     * How many (connection, job) pairs are remembered as having typed already: a connection's first keystroke into
     * a job is one {@code job.input} row, the rest none. Beyond this the oldest are forgotten (at worst, a second
     * row for a long session).
     */
    static final int TYPED_REMEMBERED = 4096;

    private final AuditTrail audit;
    private final Map<String, Boolean> typed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > TYPED_REMEMBERED;
        }
    };

    RequestAudit(AuditTrail audit) {
        this.audit = audit;
    }

    AuditTrail trail() {
        return audit;
    }

    /**
     * A request's outcome, once allowed: recorded if it is an action (below), or a request refused as invalid.
     */
    void outcome(Request request, Caller caller, Response reply) {
        String action = action(request);
        if (reply instanceof Response.ErrorReply error) {
            boolean invalid = error.code() == ErrorCode.BAD_REQUEST || error.code() == ErrorCode.INVALID_ARGUMENT;
            if (action == null && !invalid) {
                return; // a failed read: nothing was done
            }
            record(
                    action != null ? action : "request",
                    caller,
                    subject(request),
                    refusedByRule(error.code()) ? AuditEntry.REFUSED : AuditEntry.FAILED,
                    error.code().code());
            return;
        }
        if (action == null) {
            return;
        }
        switch (reply) {
            case Response.JobStarted r ->
                record(action, caller, r.job().id(), AuditEntry.OK, what(r.job()) + "; " + client(caller));
            case Response.JobJoined r -> record(action, caller, r.job().id(), AuditEntry.OK, what(r.job()));
            case Response.JobDone r ->
                record(action, caller, r.jobId(), AuditEntry.OK, r.status().wireName());
            case Response.AuditVerified r ->
                record(
                        action,
                        caller,
                        null,
                        r.ok() ? AuditEntry.OK : AuditEntry.FAILED,
                        r.ok() ? r.rows() + " rows intact" : "first bad row " + r.badSeq());
            case Response.UserAdded r ->
                record(
                        action,
                        caller,
                        r.user().name(),
                        AuditEntry.OK,
                        r.user().role().wireName());
            case Response.UserRevoked r ->
                record(action, caller, r.user().name(), AuditEntry.OK, r.sessionsEnded() + " browser sessions ended");
            case Response.LoginLink r -> record(action, caller, r.user(), AuditEntry.OK, null);
            case Response.PruneReport r -> record(action, caller, null, AuditEntry.OK, Retention.summary(r));
            default -> record(action, caller, subject(request), AuditEntry.OK, null);
        }
    }

    /**
     * A request refused before it ran, by {@code RequestHandler}'s check: the caller's role does not allow it, or
     * the caller was revoked while it was on its way. Always recorded, reads too: a refusal is an attempt.
     */
    void refused(Request request, Caller caller, ErrorCode code, String detail) {
        String action = action(request);
        record(
                action != null ? action : "request",
                caller,
                subject(request),
                AuditEntry.REFUSED,
                code.code() + ": " + detail);
    }

    /** The action a request is recorded as when it is allowed, or null for a read (not recorded). */
    private static String action(Request request) {
        return switch (request) {
            case Request.ExecuteCommand r -> "job.execute";
            case Request.CancelJob r -> "job.cancel";
            case Request.AttachJob r -> "job.attach";
            case Request.VerifyAudit r -> "audit.verify";
            case Request.AddUser r -> "user.add";
            case Request.RevokeUser r -> "user.revoke";
            case Request.CreateLoginLink r -> "login-link.create";
            case Request.Prune r -> Retention.ACTION;
            default -> null;
        };
    }

    /** A message that could not even be read as a request (bad JSON, a missing field): refused as invalid. */
    void undecodable(Caller caller, String what, ErrorCode code) {
        record("request", caller, what, AuditEntry.REFUSED, code.code());
    }

    /** Input typed into a job: a marker, once per connection and job, never the text. */
    void typed(Caller caller, Object connection, String jobId) {
        String key = System.identityHashCode(connection) + "/" + jobId;
        synchronized (typed) {
            if (typed.put(key, Boolean.TRUE) != null) {
                return;
            }
        }
        record("job.input", caller, jobId, AuditEntry.OK, "typed into the job's terminal (the text is not kept)");
    }

    private void record(String action, Caller caller, String subject, String outcome, String detail) {
        // No caller: the guard let nobody in on this connection (it does for every route that reaches here).
        audit.record(
                caller == null
                        ? new AuditEntry(action, null, null, null, subject, outcome, detail)
                        : new AuditEntry(
                                action,
                                caller.user(),
                                caller.kind().wireName(),
                                caller.peer(),
                                subject,
                                outcome,
                                detail));
    }

    /** Codes that mean the request was not allowed or not valid, rather than that doing it failed. */
    private static boolean refusedByRule(ErrorCode code) {
        return switch (code) {
            case INTERNAL, STORE_UNAVAILABLE, SPAWN_FAILED, SSH_FAILED -> false;
            default -> true;
        };
    }

    private static String subject(Request request) {
        return switch (request) {
            case Request.ExecuteCommand r -> r.vm() != null ? "vm " + r.vm() : r.project() + " " + r.target();
            case Request.CancelJob r -> r.jobId();
            case Request.AttachJob r -> r.jobId();
            case Request.AddUser r -> r.name();
            case Request.RevokeUser r -> r.name();
            case Request.CreateLoginLink r -> r.user();
            default ->
                io.vmo.protocol.Message.TYPES.stream()
                        .filter(e -> e.getValue() == request.getClass())
                        .map(Map.Entry::getKey)
                        .findFirst()
                        .orElse(request.getClass().getSimpleName());
        };
    }

    /**
     * The client a job was started through, as the job records it (its provenance): kind and version, and for the
     * CLI the OS user and host it runs as. The peer has its own column.
     */
    private static String client(Caller caller) {
        return "by " + caller.kind().wireName()
                + (caller.clientVersion() == null ? "" : " " + caller.clientVersion())
                + (caller.osUser() == null ? "" : ", OS user " + caller.osUser())
                + (caller.osHost() == null ? "" : " on " + caller.osHost());
    }

    /** A job, for its row's detail: the project and target, or the VM; never the arguments. */
    private static String what(JobInfo job) {
        String what = job.vm() != null ? "vm " + job.vm() : job.project() + " " + job.target();
        return job.interactive() ? what + " (interactive)" : what;
    }
}
