package io.vmo.daemon.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.vmo.daemon.access.ClientKind;
import io.vmo.daemon.audit.AuditEntry;
import io.vmo.daemon.audit.AuditTrail;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the web UI (built from {@code web/} into the jar under {@code webui/}) and the browser login. Everything
 * that is not {@code /ws}, {@code /api/…} or {@code /healthz} is handled here: the UI's files hold no secret, so
 * they need no login; the page itself then needs the session cookie for every call it makes.
 * <p>Cache headers: Vite names the files under {@code /assets/} by their content's hash, so they never change
 * ({@code immutable}, a year); everything else, {@code index.html} above all, is revalidated on every load
 * ({@code no-cache}), so a rebuilt daemon's UI shows at the next reload.
 */
@io.netty.channel.ChannelHandler.Sharable
final class WebUi extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String RESOURCE_ROOT = "webui/";
    private static final Pattern SAFE_PATH =
            Pattern.compile("(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final String CSP = "default-src 'self'; connect-src 'self' ws: wss: http: https:; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json",
            "woff2", "font/woff2",
            "txt", "text/plain; charset=utf-8");

    private record Asset(byte[] bytes, String type) {}

    private static final Asset MISSING = new Asset(new byte[0], "");

    private final BrowserSessions sessions;
    private final GuessThrottle throttle;
    private final AuditTrail audit;
    private final ClassLoader loader = WebUi.class.getClassLoader();
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    WebUi(BrowserSessions sessions, GuessThrottle throttle, AuditTrail audit) {
        super(false); // /ws and /api requests go on to the next handler untouched
        this.sessions = sessions;
        this.throttle = throttle;
        this.audit = audit;
    }

    /** Whether a path belongs to the UI rather than to the socket, the API or the health check. */
    static boolean isUiPath(String path) {
        return !path.equals("/ws")
                && !path.startsWith("/ws/")
                && !path.equals("/api")
                && !path.startsWith("/api/")
                && !path.equals("/healthz");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String path = query.path();
        if (!isUiPath(path)) {
            ctx.fireChannelRead(request);
            return;
        }
        try {
            if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
                send(ctx, request, text(HttpResponseStatus.METHOD_NOT_ALLOWED, "the web UI only answers GET\n"));
            } else if (path.equals("/login")) {
                login(ctx, request, query);
            } else {
                file(ctx, request, path.equals("/") ? "index.html" : path.substring(1));
            }
        } finally {
            request.release();
        }
    }

    /** Redeems the one-time token for a session cookie and sends the browser on to the UI, token gone from its bar. */
    private void login(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        List<String> tokens = query.parameters().get("token");
        String presented = tokens == null || tokens.isEmpty() ? null : tokens.getFirst();
        BrowserSessions.SignIn signIn = sessions.redeem(presented);
        if (signIn == null) {
            String why = "This login link is unknown, expired or already used (each works once). Run `vmo ui` on"
                    + " the daemon's machine for a new one.";
            if (presented == null) {
                send(ctx, request, text(HttpResponseStatus.UNAUTHORIZED, why + "\n")); // no token, no guess
                return;
            }
            // A wrong link is a guess at a secret like a wrong token: counted, and slowed down when repeated.
            throttle.refuse(
                    ctx,
                    request,
                    Refusal.Reason.UNKNOWN_LOGIN_LINK,
                    refusal -> send(
                            ctx,
                            request,
                            HttpResponses.held(
                                    text(HttpResponseStatus.UNAUTHORIZED, why + GuessThrottle.note(refusal) + "\n"),
                                    refusal.delayed())));
            return;
        }
        // The browser is signed in as the link's user (a wrong link is recorded as a refusal: RefusalLog).
        audit.record(new AuditEntry(
                "login",
                signIn.user(),
                ClientKind.WEB.wireName(),
                RefusalLog.peer(ctx.channel()).getHostAddress(),
                null,
                AuditEntry.OK,
                "login link used"));
        DefaultCookie cookie = new DefaultCookie(RequestGuard.sessionCookieName(request), signIn.sessionId());
        cookie.setHttpOnly(true); // page scripts cannot read it
        cookie.setSameSite(CookieHeaderNames.SameSite.Strict); // other sites' pages cannot send it
        cookie.setPath("/");
        cookie.setSecure(TlsOnly.isTls(ctx.channel())); // over TLS, never sent over plain HTTP
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER);
        response.headers()
                .set(HttpHeaderNames.LOCATION, "/")
                .set(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.STRICT.encode(cookie))
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("Referrer-Policy", "no-referrer");
        // Back on this connection's event loop once the session is stored (the request's content is released by
        // then; its method and headers, all that sending reads, are not).
        signIn.kept().whenCompleteAsync((kept, failure) -> send(ctx, request, response), ctx.executor());
    }

    private void file(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        Asset asset = SAFE_PATH.matcher(path).matches() ? cache.computeIfAbsent(path, this::load) : MISSING;
        if (asset == MISSING) {
            send(
                    ctx,
                    request,
                    path.equals("index.html")
                            ? text(
                                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                                    "This daemon was built without its web UI:"
                                            + " build it with `make build` (needs Node.js and npm).\n")
                            : text(HttpResponseStatus.NOT_FOUND, "no such file: /" + path + "\n"));
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(asset.bytes()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, asset.type())
                .set(
                        HttpHeaderNames.CACHE_CONTROL,
                        path.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache")
                .set("X-Content-Type-Options", "nosniff");
        if (path.endsWith(".html")) {
            response.headers()
                    .set("Content-Security-Policy", CSP)
                    .set("X-Frame-Options", "DENY")
                    .set("Referrer-Policy", "no-referrer");
        }
        send(ctx, request, response);
    }

    private Asset load(String path) {
        try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + path)) {
            if (in == null) {
                return MISSING;
            }
            String extension = path.substring(path.lastIndexOf('.') + 1);
            return new Asset(in.readAllBytes(), TYPES.getOrDefault(extension, "application/octet-stream"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        response.headers()
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        HttpResponses.send(ctx, request, response);
    }
}
