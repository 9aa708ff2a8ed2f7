package io.vmo.daemon.web;

import io.vmo.protocol.ErrorCode;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * One request refused at the daemon's door ({@link RequestGuard}, the login link), or a connection refused or
 * closed for what it did ({@link PeerConnections}, {@link HttpDeadlines}, {@link Liveness},
 * {@link ConnectionErrors}), in the shape an audit log can store. It holds no secret: the request is its method
 * and path without the query (a login link's token is in the query), and no header.
 *
 * @param at when
 * @param peer the client's address
 * @param request method and path, e.g. {@code GET /api/jobs}; for a connection, what of it: "a connection", "a
 *     request" (one that never arrived whole), "a WebSocket frame", "a WebSocket"
 * @param reason why
 * @param failures for a failed guess at a secret ({@link Reason#guess()}), how many in a row its address has
 *     made, this one included; else 0
 * @param delayed how long the answer was held back; zero when answered at once
 * @param detail what the reason alone does not say (a frame's close code and Netty's words), or empty
 * @param user whose credential it was, when it names a user though it is refused (a revoked user's token); else null
 */
public record Refusal(
        Instant at,
        InetAddress peer,
        String request,
        Reason reason,
        int failures,
        Duration delayed,
        String detail,
        String user) {

    public enum Reason {
        MALFORMED_HOST(ErrorCode.BAD_REQUEST, "not exactly one Host header of host[:port]", false),
        FOREIGN_HOST(ErrorCode.FORBIDDEN, "Host names another site", false),
        FOREIGN_ORIGIN(ErrorCode.FORBIDDEN, "Origin is another site", false),
        WRONG_TOKEN(ErrorCode.UNAUTHORIZED, "wrong bearer token", true),
        UNKNOWN_SESSION(ErrorCode.UNAUTHORIZED, "unknown session cookie", true),
        UNKNOWN_LOGIN_LINK(ErrorCode.UNAUTHORIZED, "unknown, used or expired login link", true),
        COOKIE_WITHOUT_ORIGIN(ErrorCode.UNAUTHORIZED, "session cookie on /ws without an Origin", false),
        SESSION_NOT_ENOUGH(ErrorCode.FORBIDDEN, "a browser session asked for what needs the token", false),
        REVOKED_TOKEN(ErrorCode.UNAUTHORIZED, "a revoked user's token", false),
        // A connection's: those with a code are answered with it, the others close the connection.
        TOO_MANY_CONNECTIONS(ErrorCode.TOO_MANY_CONNECTIONS, "too many connections open from this address", false),
        REQUEST_TIMEOUT(ErrorCode.REQUEST_TIMEOUT, "the request did not arrive whole in time", false),
        PLAINTEXT_ON_TLS(ErrorCode.BAD_REQUEST, "plaintext HTTP to a daemon that speaks only TLS", false),
        TLS_HANDSHAKE(null, "the TLS handshake failed", false),
        MALFORMED_FRAME(null, "malformed WebSocket frame", false),
        SILENT_PEER(null, "no sign of life after a ping: nothing sent, none of the daemon's data taken", false),
        UNEXPECTED_ERROR(null, "an unexpected error (a bug; the first of each kind is logged with its trace)", false);

        private final ErrorCode code;
        private final String text;
        private final boolean guess;

        Reason(ErrorCode code, String text, boolean guess) {
            this.code = code;
            this.text = text;
            this.guess = guess;
        }

        /** The code the client was answered with; null when it was not answered but its connection closed. */
        public ErrorCode code() {
            return code;
        }

        /** Whether this was a wrong secret: those are counted per address and slowed down ({@link GuessThrottle}). */
        public boolean guess() {
            return guess;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** What an audit row says of it: the code answered, the reason, and for a guess how many in a row. */
    String auditDetail() {
        return (reason.code() == null ? "" : reason.code().code() + ": ")
                + reason
                + (failures == 0 ? "" : ", " + failures + " in a row");
    }

    /** One log line: peer, request, reason and code, and for a guess how many in a row and how long it waited. */
    String line() {
        return (reason.code() == null
                        ? "closed " + request + " from " + peer.getHostAddress()
                        : "refused " + request + " from " + peer.getHostAddress() + " ("
                                + reason.code().code() + ")")
                + ": " + reason
                + (failures == 0 ? "" : ", " + failures + " in a row from this address")
                + (user == null ? "" : " (user " + user + ")")
                + (delayed.isZero() ? "" : ", answered after " + delayed.toMillis() + " ms")
                + (detail.isEmpty() ? "" : "; " + detail);
    }
}
