package io.vmo.daemon.web;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last in every connection's pipeline: every error that reaches it ends here, and closes the connection. Without
 * it Netty logs each one at WARN with its whole stack trace ("reached the tail of the pipeline"), and a client that
 * sends malformed WebSocket frames in a loop writes a trace per frame.
 * <ul>
 * <li>a malformed frame (Netty's decoder has already answered it with a close frame and its code) is a
 *     {@link Refusal} with the close code and Netty's reason: one line, rate-limited per address;</li>
 * <li>the connection failing under us (reset by the peer, broken pipe) is the peer's business: debug only;</li>
 * <li>anything else is a bug: a refusal line once per connection, and its stack trace once per kind (its class
 *     and where it was thrown) for the daemon's life. The client only sees the connection close; no trace ever
 *     reaches it.</li>
 * </ul>
 */
@ChannelHandler.Sharable
final class ConnectionErrors extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionErrors.class);
    private static final AttributeKey<Boolean> REPORTED = AttributeKey.valueOf(ConnectionErrors.class, "reported");
    /** Kinds of unexpected error beyond which traces are no longer kept apart (one bug is enough to find). */
    static final int MAX_KINDS = 100;

    private final RefusalLog refusals;
    private final Set<String> traced = ConcurrentHashMap.newKeySet();

    ConnectionErrors(RefusalLog refusals) {
        this.refusals = refusals;
    }

    /** A failed TLS handshake: one refusal line (a client that rejected the certificate says so in its alert). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            refusals.record(ctx.channel(), "a connection", Refusal.Reason.TLS_HANDSHAKE, innermost(done.cause()));
        }
        ctx.fireUserEventTriggered(event);
    }

    /** The deepest cause's words ("Received fatal alert: unknown_ca"), not Netty's wrapping of them. */
    private static String innermost(Throwable failure) {
        String words = String.valueOf(failure.getMessage());
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                words = t.getMessage();
            }
        }
        return words;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof CorruptedWebSocketFrameException inner) {
            cause = inner;
        }
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException inner) {
            cause = inner;
        }
        if (cause instanceof SSLException) {
            // The client gave up on the handshake (it refused the certificate) or spoke something else: its
            // business, said once from the SslHandshakeCompletionEvent (userEventTriggered).
            log.debug("TLS from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else if (cause instanceof CorruptedWebSocketFrameException frame) {
            WebSocketCloseStatus status = frame.closeStatus();
            refusals.record(
                    ctx.channel(),
                    "a WebSocket frame",
                    Refusal.Reason.MALFORMED_FRAME,
                    "close code " + status.code() + " " + status.reasonText() + ": " + frame.getMessage());
        } else if (cause instanceof IOException) {
            log.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else if (ctx.channel().attr(REPORTED).setIfAbsent(true) == null) {
            refusals.record(ctx.channel(), "a connection", Refusal.Reason.UNEXPECTED_ERROR, cause.toString());
            StackTraceElement[] where = cause.getStackTrace();
            String kind = cause.getClass().getName() + (where.length == 0 ? "" : " at " + where[0]);
            if (traced.size() < MAX_KINDS && traced.add(kind)) {
                log.warn(
                        "unexpected error on the connection from {} (a bug; further ones of this kind are refusal"
                                + " lines only)",
                        ctx.channel().remoteAddress(),
                        cause);
            }
        }
        ctx.close();
    }
}
