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

    RequestGuard(AuthToken token, BrowserSessions sessions, Set<String> ownHosts, HttpResponses responses) {
        super(false); // passes the request on untouched when it is allowed
        this.token = token;
        this.sessions = sessions;
        this.ownHosts = ownHosts;
        this.responses = responses;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        HostHeader host;
        try {
            host = HostHeader.of(request.headers());
        } catch (VmoException e) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, e.code(), e.getMessage());
            return;
        }
        if (!ownHosts.contains(host.host())) {
            refuse(ctx, request, HttpResponseStatus.FORBIDDEN, ErrorCode.FORBIDDEN, "Host header \"" + host.text()
                    + "\" does not name this daemon; connect to it as localhost or 127.0.0.1");
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !origin.equalsIgnoreCase("http://" + host.text())) {
            refuse(ctx, request, HttpResponseStatus.FORBIDDEN, ErrorCode.FORBIDDEN, "requests from origin " + origin
                    + " are not allowed; only pages served by this daemon (http://" + host.text() + ") may use it");
            return;
        }
        Optional<Routes.Route> route = Routes.find(request.method(), request.uri()).map(Routes.Match::route);
        Routes.Access access = route.map(Routes.Route::access).orElse(
                WebUi.isUiPath(new QueryStringDecoder(request.uri()).path()) ? Routes.Access.PUBLIC
                        : Routes.Access.SIGNED_IN); // unknown /api paths: sign in before learning there are none
        String bearer = bearer(request);
        if (access == Routes.Access.PUBLIC || token.matches(bearer)) {
            ctx.fireChannelRead(request);
            return;
        }
        String cookie = sessionCookie(request);
        boolean browser = sessions.isSession(cookie);
        if (browser && access == Routes.Access.TOKEN_ONLY) {
            refuse(ctx, request, HttpResponseStatus.FORBIDDEN, ErrorCode.FORBIDDEN,
                    "login links are made for the token's owner only: run `vmo ui` on the daemon's machine");
            return;
        }
        boolean webSocket = route.filter(r -> r.action() == Routes.Http.WEBSOCKET).isPresent();
        if (browser && (origin != null || !webSocket)) {
            ctx.fireChannelRead(request);
            return;
        }
        refuse(ctx, request, HttpResponseStatus.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, UNAUTHORIZED);
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

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, ErrorCode code,
            String message) {
        try {
            responses.error(ctx, request, status, code, message);
        } finally {
            request.release();
        }
    }

    private static String bearer(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
    }
}
