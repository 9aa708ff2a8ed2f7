package io.vmo.daemon.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.vmo.protocol.Codec;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.Response;
import java.time.Duration;

/** Writing JSON responses, including errors in the same {@code {"type":"error","code":…}} shape as the socket. */
final class HttpResponses {

    private final Codec codec;

    HttpResponses(Codec codec) {
        this.codec = codec;
    }

    void json(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, Object body) {
        send(ctx, request, response(status, body));
    }

    void error(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            HttpResponseStatus status,
            ErrorCode code,
            String message) {
        error(ctx, request, status, code, message, Duration.ZERO);
    }

    /** An error answered {@code delay} late by the {@link GuessThrottle} (zero: at once): see {@link #held}. */
    void error(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            HttpResponseStatus status,
            ErrorCode code,
            String message,
            Duration delay) {
        send(ctx, request, held(response(status, new Response.ErrorReply(null, code, message)), delay));
    }

    /**
     * A response that was held back {@code delay} (none if zero): it says {@code Retry-After} (the delay now
     * applied to each further failure, in whole seconds) and closes its connection, which read nothing more
     * meanwhile.
     */
    static FullHttpResponse held(FullHttpResponse response, Duration delay) {
        if (!delay.isZero()) {
            long seconds = (delay.toMillis() + 999) / 1000;
            response.headers()
                    .set(HttpHeaderNames.RETRY_AFTER, seconds)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /**
     * Writes a response whose Content-Length is set, keeping the connection open if the request asked for that
     * and the response does not say {@code Connection: close}.
     */
    static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request)
                && !response.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private FullHttpResponse response(HttpResponseStatus status, Object body) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(codec.encodeBytes(body)));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }
}
