package io.vmo.daemon.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.util.AttributeKey;
import io.vmo.daemon.access.Caller;
import io.vmo.daemon.access.ClientKind;
import io.vmo.daemon.access.UserDirectory;
import io.vmo.protocol.BuildInfo;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.Role;
import io.vmo.protocol.Users;
import io.vmo.protocol.VmoException;
import java.net.InetSocketAddress;
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
 *
 * <p>A request it lets through carries its {@link Caller} in the channel's {@link #CALLER} attribute: who (the token
 * file's {@code owner}, a user's personal token, a browser session's user), with which role, through which client,
 * from where. What that role may do is decided per request by {@link io.vmo.daemon.access.Permissions}.
 */
@io.netty.channel.ChannelHandler.Sharable
final class RequestGuard extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final String UNAUTHORIZED = "missing or wrong \"Authorization: Bearer <token>\"; the token is in"
            + " the daemon user's $XDG_CONFIG_HOME/vmo/token (default ~/.config/vmo/token). In a browser: open the"
            + " login link that `vmo daemon` printed, or a new one from `vmo ui`";

    /** The caller of the request this guard last let through on a channel (for a WebSocket: of its upgrade). */
    static final AttributeKey<Caller> CALLER = AttributeKey.valueOf("vmo.caller");

    /** What a client may say of itself in a header: this long at most, printable, or it is not recorded. */
    private static final int MAX_CLIENT_TEXT = 100;

    /** The web UI's version: the daemon serves it. */
    private static final String WEB_VERSION = BuildInfo.read().version();

    private final AuthToken token;
    private final UserDirectory users;
    private final Set<String> ownHosts;
    private final HttpResponses responses;
    private final BrowserSessions sessions;
    private final GuessThrottle throttle;
    private final RefusalLog refusals;

    RequestGuard(
            AuthToken token,
            UserDirectory users,
            BrowserSessions sessions,
            Set<String> ownHosts,
            HttpResponses responses,
            GuessThrottle throttle,
            RefusalLog refusals) {
        super(false); // passes the request on untouched when it is allowed
        this.token = token;
        this.users = users;
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
        String own = (TlsOnly.isTls(ctx.channel()) ? "https://" : "http://") + host.text();
        if (origin != null && !origin.equalsIgnoreCase(own)) {
            refuse(
                    ctx,
                    request,
                    HttpResponseStatus.FORBIDDEN,
                    Refusal.Reason.FOREIGN_ORIGIN,
                    "requests from origin "
                            + origin + " are not allowed; only pages served by this daemon (" + own
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
        // A correct token passes before any count of failures is looked at: it is never slowed down.
        if (access == Routes.Access.PUBLIC) {
            ctx.fireChannelRead(request);
            return;
        }
        if (token.matches(bearer)) {
            pass(ctx, request, Users.OWNER, Role.ADMIN, false);
            return;
        }
        Optional<UserDirectory.Account> account = users.byToken(bearer);
        if (account.isPresent()) {
            UserDirectory.Account user = account.get();
            if (user.revoked()) {
                // Not a guess (it was a real token): refused at once, saying why.
                refuse(
                        ctx,
                        request,
                        HttpResponseStatus.UNAUTHORIZED,
                        Refusal.Reason.REVOKED_TOKEN,
                        "this token was user " + user.info().name() + "'s, revoked at "
                                + user.info().revokedAt() + "; ask an admin for a new user (`vmo users add`)",
                        user.info().name());
            } else {
                pass(ctx, request, user.info().name(), user.info().role(), false);
            }
            return;
        }
        String cookie = sessionCookie(request);
        Optional<String> sessionUser = sessions.sessionUser(cookie);
        Optional<Role> sessionRole = sessionUser.flatMap(users::activeRole);
        boolean browser = sessionRole.isPresent();
        if (browser && access == Routes.Access.TOKEN_ONLY) {
            refuse(
                    ctx,
                    request,
                    HttpResponseStatus.FORBIDDEN,
                    Refusal.Reason.SESSION_NOT_ENOUGH,
                    "login links are made for the token's owner only: run `vmo ui` on the daemon's machine");
            return;
        }
        boolean webSocket =
                route.filter(r -> r.action() == Routes.Http.WEBSOCKET).isPresent();
        if (browser && (origin != null || !webSocket)) {
            pass(ctx, request, sessionUser.get(), sessionRole.get(), true);
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

    /** Lets the request through, its {@link Caller} resolved once here and attached to the channel. */
    private static void pass(ChannelHandlerContext ctx, FullHttpRequest request, String user, Role role, boolean web) {
        HttpHeaders headers = request.headers();
        String peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress()
                : String.valueOf(ctx.channel().remoteAddress());
        Caller caller;
        String client = clientText(headers.get(CLIENT_HEADER));
        if (web) {
            // The daemon serves the web UI: its version is the daemon's.
            caller = new Caller(user, role, ClientKind.WEB, WEB_VERSION, peer, null, null);
        } else if (client != null && client.startsWith("cli/")) {
            caller = new Caller(
                    user,
                    role,
                    ClientKind.CLI,
                    client.substring(4),
                    peer,
                    clientText(headers.get(OS_USER_HEADER)),
                    clientText(headers.get(HOST_HEADER)));
        } else {
            caller = new Caller(
                    user, role, ClientKind.REST, clientText(headers.get(HttpHeaderNames.USER_AGENT)), peer, null, null);
        }
        ctx.channel().attr(CALLER).set(caller);
        ctx.fireChannelRead(request);
    }

    /** The CLI names itself, its version, and the OS user and host it runs as, on its WebSocket upgrade. */
    static final String CLIENT_HEADER = "X-Vmo-Client";

    static final String OS_USER_HEADER = "X-Vmo-Os-User";
    static final String HOST_HEADER = "X-Vmo-Host";

    /** A client's word about itself, kept only when it is short printable text (it is shown and stored). */
    private static String clientText(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        if (text.length() > MAX_CLIENT_TEXT) {
            text = text.substring(0, MAX_CLIENT_TEXT);
        }
        return text.chars().allMatch(c -> c >= 0x20 && c != 0x7f) ? text : null;
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
        refuse(ctx, request, status, reason, message, null);
    }

    /** {@link #refuse}, recorded as {@code user}'s: the credential was real, and names whose it was. */
    private void refuse(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            HttpResponseStatus status,
            Refusal.Reason reason,
            String message,
            String user) {
        try {
            refusals.record(ctx.channel(), request, reason, 0, Duration.ZERO, user);
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
