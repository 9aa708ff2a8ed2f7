package io.vmo.daemon.web;

import io.vmo.daemon.access.Caller;
import io.vmo.daemon.access.Permissions;
import io.vmo.daemon.access.UserDirectory;
import io.vmo.daemon.audit.AuditReader;
import io.vmo.daemon.catalog.Catalog;
import io.vmo.daemon.job.Chunk;
import io.vmo.daemon.job.JobManager;
import io.vmo.daemon.job.Subscriber;
import io.vmo.daemon.job.TerminalSize;
import io.vmo.daemon.retention.Retention;
import io.vmo.protocol.BuildInfo;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmoException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the daemon does for each request type, whoever asks: a WebSocket connection ({@link #handle}) or a REST
 * route ({@link #reply}, the requests that have exactly one reply). Both first check the request against its
 * {@link Caller} ({@link #refusal}): the one place where a role is checked, and where a refusal is recorded. Every
 * failure becomes an {@code error} reply with the request's id.
 */
final class RequestHandler {

    private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);

    private final JobManager jobs;
    private final Catalog catalog;
    private final HealthChecks checks;
    private final UserDirectory users;
    private final BrowserSessions sessions;
    private final OpenSockets sockets;
    private final Retention retention;
    private final RequestAudit audit;
    private final AuditReader auditTrail;

    RequestHandler(
            JobManager jobs,
            Catalog catalog,
            HealthChecks checks,
            UserDirectory users,
            BrowserSessions sessions,
            OpenSockets sockets,
            Retention retention,
            RequestAudit audit,
            AuditReader auditTrail) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.checks = checks;
        this.users = users;
        this.sessions = sessions;
        this.sockets = sockets;
        this.retention = retention;
        this.audit = audit;
        this.auditTrail = auditTrail;
    }

    /**
     * Whether the caller may make this request now: a revoked user may not (its WebSockets are closed when it is
     * revoked; this refuses a request that was already on its way), and its role must allow the request
     * ({@link Permissions}). Null when it may; else the error reply, the refusal recorded in the audit trail.
     */
    private Response.ErrorReply refusal(Request request, Caller caller) {
        try {
            if (!users.isActive(caller.user())) {
                throw new VmoException(
                        ErrorCode.UNAUTHORIZED,
                        "user " + caller.user() + " was revoked; this connection may do nothing more. Ask an admin"
                                + " for a new user (`vmo users add`)");
            }
            Permissions.check(request, caller);
            return null;
        } catch (VmoException e) {
            audit.refused(request, caller, e.code(), refusedBecause(request, caller, e));
            return failure(request, e);
        } catch (RuntimeException e) {
            return failure(request, e); // a bug, not a refusal: answered and logged as any other
        }
    }

    /** The audit row's detail of a refusal: the roles, when the role was short (the message says more). */
    private static String refusedBecause(Request request, Caller caller, VmoException e) {
        if (e.code() == ErrorCode.UNAUTHORIZED) {
            return "user revoked while the request was on its way";
        }
        var needed = Permissions.needed(request, caller);
        return caller.role().includes(needed)
                ? e.getMessage() // refused for another reason than the role (a browser session's login link)
                : "needs role " + needed.wireName() + "; caller role "
                        + caller.role().wireName();
    }

    /** A connection's request; its replies and events go to the connection. May block: called on a virtual thread. */
    void handle(Request request, Caller caller, Subscriber client) {
        Response.ErrorReply refused = refusal(request, caller);
        if (refused != null) {
            client.send(refused);
            return;
        }
        try {
            switch (request) {
                case Request.JoinJob r ->
                    jobs.join(r.jobId(), r.sinceSeq(), client, job -> client.send(new Response.JobJoined(r.id(), job)));
                case Request.AttachJob r ->
                    jobs.attach(
                            r.jobId(),
                            r.cols() == null ? null : new TerminalSize(r.cols(), r.rows()),
                            client,
                            job -> client.send(audited(r, caller, new Response.JobJoined(r.id(), job))));
                // No reply on success: a reply per keystroke would double the traffic of typing.
                case Request.Stdin r -> {
                    jobs.input(r.jobId(), r.data());
                    audit.typed(caller, client, r.jobId());
                }
                case Request.Resize r -> jobs.resize(r.jobId(), new TerminalSize(r.cols(), r.rows()));
                case Request.LeaveJob r -> {
                    jobs.leave(r.jobId(), client);
                    client.send(new Response.Ack(r.id()));
                }
                case Request.WatchJobs r -> {
                    jobs.watch(client);
                    client.send(new Response.Ack(r.id()));
                }
                default -> answer(request, caller).thenAccept(client::send);
            }
        } catch (RuntimeException e) {
            client.send(audited(request, caller, failure(request, e)));
        }
    }

    /**
     * The one reply of a request that has one — every request a REST route can make. Never completes
     * exceptionally: a failure is the {@code error} reply. May block: called on a virtual thread.
     */
    CompletableFuture<Response> reply(Request request, Caller caller) {
        Response.ErrorReply refused = refusal(request, caller);
        return refused != null ? done(refused) : answer(request, caller);
    }

    /** {@link #reply}, once authorized; the reply recorded in the audit trail if the request is one it records. */
    private CompletableFuture<Response> answer(Request request, Caller caller) {
        return answered(request, caller).thenApply(reply -> audited(request, caller, reply));
    }

    /** The reply, once recorded in the audit trail if the request is one it records. */
    private Response audited(Request request, Caller caller, Response reply) {
        audit.outcome(request, caller, reply);
        return reply;
    }

    private CompletableFuture<Response> answered(Request request, Caller caller) {
        try {
            CompletableFuture<Response> reply = switch (request) {
                case Request.ExecuteCommand r ->
                    done(new Response.JobStarted(r.id(), jobs.execute(r, caller.provenance())));
                case Request.CancelJob r ->
                    jobs.cancel(r.jobId())
                            .thenApply(done -> new Response.JobDone(
                                    r.id(), done.jobId(), done.status(), done.exitCode(), done.finishedAt()));
                case Request.ListJobs r -> done(new Response.JobList(r.id(), jobs.recent(r.limit(), r.user())));
                case Request.GetJob r -> done(new Response.JobFound(r.id(), jobs.find(r.jobId())));
                case Request.ListEvents r -> done(events(r));
                case Request.ListProjects r -> done(new Response.ProjectList(r.id(), catalog.projects()));
                case Request.ListTargets r -> done(catalog.targets(r.id(), r.project()));
                case Request.ListVms r -> done(new Response.VmList(r.id(), catalog.vms()));
                case Request.Diagnose r ->
                    done(new Response.Diagnosis(r.id(), BuildInfo.read().describe(), checks.run()));
                case Request.AddUser r -> {
                    UserDirectory.Added added = users.add(r.name(), r.role(), caller.user());
                    yield done(new Response.UserAdded(r.id(), added.user(), added.token()));
                }
                case Request.ListUsers r -> done(new Response.UserList(r.id(), users.list()));
                case Request.RevokeUser r -> {
                    var user = users.revoke(r.name());
                    int ended = sessions.endSessionsOf(r.name());
                    // Its followers send no request that could be refused: their connections close now.
                    sockets.closeAllOf(r.name());
                    yield done(new Response.UserRevoked(r.id(), user, ended));
                }
                case Request.CreateLoginLink r -> done(loginLink(r, caller));
                case Request.Prune r -> done(retention.prune(r.id(), r.dry(), "user " + caller.user()));
                case Request.GetStorage r -> done(new Response.Storage(r.id(), retention.storage()));
                case Request.ListAudit r ->
                    done(new Response.AuditList(r.id(), auditTrail.list(r.since(), r.user(), r.limit())));
                case Request.VerifyAudit r -> done(verified(r.id(), auditTrail.verify()));
                case Request.JoinJob r -> connectionOnly(r);
                case Request.AttachJob r -> connectionOnly(r);
                case Request.Stdin r -> connectionOnly(r);
                case Request.Resize r -> connectionOnly(r);
                case Request.LeaveJob r -> connectionOnly(r);
                case Request.WatchJobs r -> connectionOnly(r);
            };
            return reply.exceptionally(e -> failure(request, e instanceof CompletionException c ? c.getCause() : e));
        } catch (RuntimeException e) {
            return done(failure(request, e));
        }
    }

    /** A one-time browser login for the user asked for, by default the caller, who must be able to sign in. */
    private Response.LoginLink loginLink(Request.CreateLoginLink r, Caller caller) {
        String user = r.user() != null ? r.user() : caller.user();
        if (!users.isActive(user)) {
            throw new VmoException(
                    ErrorCode.UNKNOWN_USER,
                    "no user " + user + " who may sign in (unknown or revoked); `vmo users list` shows them");
        }
        return new Response.LoginLink(r.id(), "/login?token=" + sessions.newLoginToken(user), user);
    }

    private static Response.AuditVerified verified(String id, AuditReader.Verdict v) {
        return new Response.AuditVerified(
                id, v.ok(), v.rows(), v.firstSeq(), v.lastSeq(), v.headSeq(), v.badSeq(), v.problem(), v.advice());
    }

    /** A page of stored events after {@code sinceSeq}; page on with {@code sinceSeq} = the last seq received. */
    private Response.EventPage events(Request.ListEvents r) {
        JobInfo job = jobs.find(r.jobId());
        var events = jobs.storedEvents(job.id(), r.sinceSeq(), r.limit()).stream()
                .map(Chunk::toMessage)
                .toList();
        return new Response.EventPage(r.id(), job.id(), events, job.lastSeq());
    }

    /**
     * The error reply to what failed (a request, or a description of one): the failure's code when it has one;
     * anything else is a bug, logged with its stack trace.
     */
    static Response.ErrorReply failure(Object what, Throwable e) {
        String id = what instanceof Request r ? r.id() : null;
        if (e instanceof VmoException v) {
            return new Response.ErrorReply(id, v.code(), v.getMessage());
        }
        log.error("{} failed", what, e);
        return new Response.ErrorReply(id, ErrorCode.INTERNAL, "internal error: " + e + "; see the daemon's log");
    }

    private static CompletableFuture<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    /** These answer through the connection they came on (events, or no reply at all): no route may make them. */
    private static CompletableFuture<Response> connectionOnly(Request request) {
        throw new IllegalStateException(request + " is answered through its connection, by handle()");
    }
}
