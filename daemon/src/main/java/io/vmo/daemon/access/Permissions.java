package io.vmo.daemon.access;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.Message;
import io.vmo.protocol.Request;
import io.vmo.protocol.Role;
import io.vmo.protocol.VmoException;

/**
 * The one table of who may do what: the role each request needs. Every request, from the WebSocket or REST, is
 * checked here before it runs ({@code RequestHandler} does, for both). The switch is exhaustive over the sealed
 * {@link Request}: a new request type does not compile until it is given a role here.
 */
public final class Permissions {

    private Permissions() {}

    /** The least role that may make this request as this caller. */
    public static Role needed(Request request, Caller caller) {
        return switch (request) {
            // Reading: jobs, their output, the catalog, the daemon's health.
            case Request.JoinJob r -> Role.VIEWER;
            case Request.LeaveJob r -> Role.VIEWER;
            case Request.ListJobs r -> Role.VIEWER;
            case Request.GetJob r -> Role.VIEWER;
            case Request.ListEvents r -> Role.VIEWER;
            case Request.ListProjects r -> Role.VIEWER;
            case Request.ListTargets r -> Role.VIEWER;
            case Request.ListVms r -> Role.VIEWER;
            case Request.WatchJobs r -> Role.VIEWER;
            case Request.Diagnose r -> Role.VIEWER;
            case Request.GetStorage r -> Role.VIEWER;
            // Acting on jobs: attaching means taking the terminal (it resizes it, and keys follow).
            case Request.ExecuteCommand r -> Role.OPERATOR;
            case Request.CancelJob r -> Role.OPERATOR;
            case Request.AttachJob r -> Role.OPERATOR;
            case Request.Stdin r -> Role.OPERATOR;
            case Request.Resize r -> Role.OPERATOR;
            // Users and sign-ins: anyone may sign a browser in as themselves; for someone else, only an admin.
            case Request.CreateLoginLink r ->
                r.user() == null || r.user().equals(caller.user()) ? Role.VIEWER : Role.ADMIN;
            case Request.AddUser r -> Role.ADMIN;
            case Request.ListUsers r -> Role.ADMIN;
            case Request.RevokeUser r -> Role.ADMIN;
            // Removes history for everyone.
            case Request.Prune r -> Role.ADMIN;
            // The audit trail names every user's actions and addresses: an admin's, like the audit settings.
            case Request.ListAudit r -> Role.ADMIN;
            case Request.VerifyAudit r -> Role.ADMIN;
        };
    }

    /**
     * Refuses ({@code forbidden}, naming the role needed and the caller's) what the caller's role does not allow,
     * and login links asked for by a browser session.
     */
    public static void check(Request request, Caller caller) {
        if (request instanceof Request.CreateLoginLink && caller.kind() == ClientKind.WEB) {
            // A page's session cannot mint more sessions: a link is made with a token, from a terminal.
            throw new VmoException(
                    ErrorCode.FORBIDDEN,
                    "login links are made with a token, not from a browser session: run `vmo ui` in a terminal");
        }
        Role needed = needed(request, caller);
        if (!caller.role().includes(needed)) {
            throw new VmoException(
                    ErrorCode.FORBIDDEN,
                    what(request) + " needs role " + needed.wireName() + "; you are "
                            + caller.role().wireName()
                            + " (user " + caller.user() + "). An admin can add a user with that role:"
                            + " `vmo users add NAME --role " + needed.wireName() + "`");
        }
    }

    /** A request as the message names it: its wire type. */
    private static String what(Request request) {
        if (request instanceof Request.CreateLoginLink r && r.user() != null) {
            return "a login link for another user (" + r.user() + ")";
        }
        return Message.TYPES.stream()
                .filter(e -> e.getValue() == request.getClass())
                .map(e -> e.getKey())
                .findFirst()
                .orElse(request.getClass().getSimpleName());
    }
}
