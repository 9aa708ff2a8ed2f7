package io.vmo.daemon.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Checks every HTTP request (the WebSocket upgrade included) before anything else sees it:
 * <ul>
 * <li>{@code Host} must be one header of exactly {@code host[:port]} ({@link HostHeader}; else 400) naming this
 *     daemon (loopback or its listen address): a page on another site whose name was pointed at 127.0.0.1 (DNS
 *     rebinding) is refused;</li>
 * <li>{@code Origin}, when a browser sends one, must be the daemon's own: another site's page cannot drive it;</li>
 * <li>what else a request needs is its route's {@link Routes.Access}: {@code /ws} and {@code /api/…} need
 *     {@code Authorization: Bearer <token>} (the CLI, scripts) or a browser session cookie from
 *     {@link BrowserSessions} (the web UI; for the socket only with an {@code Origin}, which every browser sends);
 *     {@code /healthz} and the UI's own files need neither: they hold no secret.</li>
 * </ul>
 * A wrong token or session cookie goes to the {@link GuessThrottle}; every other refusal to the {@link RefusalLog}.
 */
@io.netty.channel.ChannelHandler.Sharable
final class RequestGuard extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final String UNAUTHORIZED = "missing or wrong \"Authorization: Bearer <token>\"; the token is in"
            + " the daemon user's $XDG_CONFIG_HOME/vmo/token (default ~/.config/vmo/token). In a browser: open the"
            + " login link that `vmo daemon` printed, or a new one from `vmo ui`";

    private final AuthToken token;
    private final Set<String> ownHosts;
    private final HttpResponses responses;
    private final BrowserSessions sessions;
    private final GuessThrottle throttle;
    private final RefusalLog refusals;

    RequestGuard(
            AuthToken token,
            BrowserSessions sessions,
            Set<String> ownHosts,
            HttpResponses responses,
            GuessThrottle throttle,
            RefusalLog refusals) {
        super(false); // passes the request on untouched when it is allowed
        this.token = token;
        this.sessions = sessions;
        this.ownHosts = ownHosts;
        this.responses = responses;
        this.throttle = throttle;
        this.refusals = refusals;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (GuessThrottle.isHeld(ctx.channel())) {
            request.release(); // pipelined behind a guess whose answer is held back: the connection closes with it
            return;
        }
        HostHeader host;
        try {
            host = HostHeader.of(request.headers());
        } catch (VmoException e) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, Refusal.Reason.MALFORMED_HOST, e.getMessage());
            return;
        }
        if (!ownHosts.contains(host.host())) {
            refuse(
                    ctx,
                    request,
                    HttpResponseStatus.FORBIDDEN,
                    Refusal.Reason.FOREIGN_HOST,
                    "Host header \"" + host.text()
                            + "\" does not name this daemon; connect to it as localhost or 127.0.0.1");
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !origin.equalsIgnoreCase("http://" + host.text())) {
            refuse(
                    ctx,
                    request,
                    HttpResponseStatus.FORBIDDEN,
                    Refusal.Reason.FOREIGN_ORIGIN,
                    "requests from origin "
                            + origin + " are not allowed; only pages served by this daemon (http://" + host.text()
                            + ") may use it");
            return;
        }
        Optional<Routes.Route> route =
                Routes.find(request.method(), request.uri()).map(Routes.Match::route);
        Routes.Access access = route.map(Routes.Route::access)
                .orElse(
                        WebUi.isUiPath(new QueryStringDecoder(request.uri()).path())
                                ? Routes.Access.PUBLIC
                                : Routes.Access
                                        .SIGNED_IN); // unknown /api paths: sign in before learning there are none
        String bearer = bearer(request);
        boolean webSocket =
                route.filter(r -> r.action() == Routes.Http.WEBSOCKET).isPresent();
        // A correct token passes before any count of failures is looked at: it is never slowed down.
        if (access == Routes.Access.PUBLIC || token.matches(bearer)) {
            if (access != Routes.Access.PUBLIC) {
                Caller.admit(ctx.channel(), false, webSocket);
            }
            ctx.fireChannelRead(request);
            return;
        }
        String cookie = sessionCookie(request);
        boolean browser = sessions.isSession(cookie);
        if (browser && access == Routes.Access.TOKEN_ONLY) {
            refuse(
                    ctx,
                    request,
                    HttpResponseStatus.FORBIDDEN,
                    Refusal.Reason.SESSION_NOT_ENOUGH,
                    "login links are made for the token's owner only: run `vmo ui` on the daemon's machine");
            return;
        }
        if (browser && (origin != null || !webSocket)) {
            Caller.admit(ctx.channel(), true, webSocket);
            ctx.fireChannelRead(request);
            return;
        }
        if (bearer != null || (cookie != null && !browser)) {
            Refusal.Reason reason = bearer != null ? Refusal.Reason.WRONG_TOKEN : Refusal.Reason.UNKNOWN_SESSION;
            try {
                throttle.refuse(
                        ctx,
                        request,
                        reason,
                        refusal -> responses.error(
                                ctx,
                                request,
                                HttpResponseStatus.UNAUTHORIZED,
                                ErrorCode.UNAUTHORIZED,
                                UNAUTHORIZED + GuessThrottle.note(refusal),
                                refusal.delayed()));
            } finally {
                request.release(); // the throttle holds its own reference while it holds the answer back
            }
        } else if (browser) {
            refuse(ctx, request, HttpResponseStatus.UNAUTHORIZED, Refusal.Reason.COOKIE_WITHOUT_ORIGIN, UNAUTHORIZED);
        } else {
            // No credential at all is no guess, and not worth a log line: it is how the web UI learns that it
            // must sign in.
            try {
                responses.error(ctx, request, HttpResponseStatus.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, UNAUTHORIZED);
            } finally {
                request.release();
            }
        }
    }

    /**
     * Cookies do not tell ports apart: each daemon on a host names its cookie by its port, so two daemons
     * (7777 and 7778) do not overwrite each other's session.
     */
    static String sessionCookieName(FullHttpRequest request) {
        int port = HostHeader.of(request.headers()).port(); // the guard has checked it
        return "vmo-session-" + (port < 0 ? 80 : port);
    }

    private static String sessionCookie(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        String name = sessionCookieName(request);
        for (Cookie cookie : ServerCookieDecoder.STRICT.decodeAll(header)) {
            if (cookie.name().equals(name)) {
                return cookie.value();
            }
        }
        return null;
    }

    /** Refuses a request that guessed no secret: recorded, and answered at once. */
    private void refuse(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            HttpResponseStatus status,
            Refusal.Reason reason,
            String message) {
        try {
            refusals.record(ctx.channel(), request, reason, 0, Duration.ZERO);
            responses.error(ctx, request, status, reason.code(), message);
        } finally {
            request.release();
        }
    }

    private static String bearer(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip()
                : null;
    }
}
