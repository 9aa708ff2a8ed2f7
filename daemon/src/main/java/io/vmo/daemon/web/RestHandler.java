package io.vmo.daemon.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vmo.daemon.access.Caller;
import io.vmo.daemon.store.StoreHealth;
import io.vmo.protocol.Codec;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.Message;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.Role;
import io.vmo.protocol.VmoException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * The REST API, for scripts and curl: each route of {@link Routes} becomes the protocol request it names and goes
 * to the same {@link RequestHandler} as the socket's, so both validate and answer alike; only the shape of the
 * body differs. Each request runs on a virtual thread (they wait on the database), never on a network thread.
 */
@io.netty.channel.ChannelHandler.Sharable
final class RestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /**
     * {@code /healthz}: {@code status} "ok" and {@code store} "ok" (HTTP 200) only while the store accepts writes;
     * else "unavailable"/"down" with the {@code problem} and since when (HTTP 503).
     */
    record Health(String status, String store, String problem, java.time.Instant since) implements Codec.NullsOmitted {}

    /** A one-time browser login, relative to the daemon's address as the client reached it, and whom it signs in. */
    record LoginLink(String path, String user) {}

    /** Who is signed in: the web UI shows it and filters the history by it. */
    record Session(boolean authenticated, String user, Role role) {}

    private final RequestHandler requests;
    private final StoreHealth health;
    private final BrowserSessions sessions;
    private final Codec codec;
    private final HttpResponses responses;
    private final ExecutorService executor;
    private final RequestAudit audit;

    RestHandler(
            RequestHandler requests,
            StoreHealth health,
            BrowserSessions sessions,
            Codec codec,
            HttpResponses responses,
            ExecutorService executor,
            RequestAudit audit) {
        this.requests = requests;
        this.health = health;
        this.sessions = sessions;
        this.codec = codec;
        this.responses = responses;
        this.executor = executor;
        this.audit = audit;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        request.retain();
        // Read here, on the event loop, before a next request on the connection could change it.
        Caller caller = ctx.channel().attr(RequestGuard.CALLER).get();
        executor.execute(() -> {
            try {
                answer(ctx, request, caller);
            } catch (RuntimeException e) {
                error(ctx, request, RequestHandler.failure(request.method() + " " + request.uri(), e));
            } finally {
                request.release();
            }
        });
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest request, Caller caller) {
        Routes.Match match = Routes.find(request.method(), request.uri())
                .orElseThrow(() -> new VmoException(
                        ErrorCode.NOT_FOUND,
                        request.method() + " " + new QueryStringDecoder(request.uri()).path()
                                + " is not part of the API; see docs/protocol.md (" + Routes.list() + ")"));
        switch (match.route().action()) {
            case Routes.Call call -> {
                Request made;
                try {
                    made = request(call, match, request);
                } catch (VmoException e) {
                    audit.undecodable(
                            caller, request.method() + " " + match.route().path(), e.code());
                    throw e;
                }
                Response reply = requests.reply(made, caller).join();
                if (reply instanceof Response.ErrorReply e) {
                    error(ctx, request, e);
                } else {
                    responses.json(
                            ctx, request, HttpResponseStatus.OK, call.body().apply(reply));
                }
            }
            case Routes.Http.HEALTH -> {
                StoreHealth.Status store = health.check();
                responses.json(
                        ctx,
                        request,
                        store.ok() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        store.ok()
                                ? new Health("ok", "ok", null, null)
                                : new Health("unavailable", "down", store.problem(), store.since()));
            }
            // The guard let it through: the caller is signed in.
            case Routes.Http.SESSION ->
                responses.json(ctx, request, HttpResponseStatus.OK, new Session(true, caller.user(), caller.role()));
            case Routes.Http.WEBSOCKET ->
                throw new VmoException(ErrorCode.BAD_REQUEST, "/ws is the WebSocket: open it with an upgrade request");
        }
    }

    /**
     * The protocol request a call makes: its fields from the body's JSON object, the query parameters and the
     * path, decoded exactly as the same fields sent on the socket.
     */
    private Request request(Routes.Call call, Routes.Match match, FullHttpRequest request) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (call.jsonBody()) {
            fields.putAll(bodyFields(request));
        }
        Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
        call.query().forEach((param, field) -> {
            List<String> values = query.get(param);
            if (values != null && values.size() > 1) {
                throw new VmoException(
                        ErrorCode.BAD_REQUEST,
                        "query parameter " + param + " is given " + values.size() + " times; give it once");
            }
            if (values != null) {
                fields.put(field, values.getFirst());
            }
        });
        fields.putAll(match.params());
        fields.put("type", call.type());
        fields.put("v", Message.VERSION);
        return (Request) codec.decode(fields);
    }

    /** The fields of the body's JSON object (JSON names are text); none for an empty body or {@code null}. */
    private Map<String, Object> bodyFields(FullHttpRequest request) {
        String body = request.content().toString(StandardCharsets.UTF_8);
        Map<?, ?> object = body.isBlank() ? null : codec.decode(body, Map.class);
        Map<String, Object> fields = new LinkedHashMap<>();
        if (object != null) {
            object.forEach((name, value) -> fields.put(String.valueOf(name), value));
        }
        return fields;
    }

    private void error(ChannelHandlerContext ctx, FullHttpRequest request, Response.ErrorReply error) {
        responses.error(ctx, request, status(error.code()), error.code(), error.message());
    }

    private static HttpResponseStatus status(ErrorCode code) {
        return switch (code) {
            case UNKNOWN_JOB, UNKNOWN_PROJECT, UNKNOWN_USER, NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case UNAUTHORIZED -> HttpResponseStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpResponseStatus.FORBIDDEN;
            case STORE_UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case INTERNAL, SPAWN_FAILED -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
            default -> HttpResponseStatus.BAD_REQUEST;
        };
    }
}
