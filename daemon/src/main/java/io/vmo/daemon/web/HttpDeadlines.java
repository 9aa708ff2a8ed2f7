package io.vmo.daemon.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one connection while it speaks HTTP/1.1, until it becomes a WebSocket:
 * <ul>
 * <li>a request, head and body, must arrive whole within {@link ConnectionLimits#requestTimeout()} — counted
 *     from the connection's opening for its first request, from its first byte for later ones. Beyond that it is
 *     answered {@code 408 request-timeout} and closed (a connection that sent nothing at all is just closed). A
 *     client that trickles a header a byte at a time holds a connection for that long, not for ever.</li>
 * <li>a keep-alive connection with no request under way is closed after {@link ConnectionLimits#idleTimeout()}.</li>
 * <li>while a request is being answered nothing is counted: that time is the daemon's.</li>
 * </ul>
 * Two handlers share this state: {@link #bytes()} before the HTTP codec sees each byte arrive, {@link #messages()}
 * after it sees where requests end and responses are written. The upgrade's {@code 101} hands the connection to
 * {@link Liveness}.
 */
final class HttpDeadlines {

    private final ConnectionLimits limits;
    private final EarlyRefusal refusal;
    private final RefusalLog refusals;
    private final Bytes bytes = new Bytes();
    private final Messages messages = new Messages();
    private ScheduledFuture<?> timer;
    /** Requests received whole and not yet answered. */
    private int answering;
    /**
     * Responses sent before their request had arrived whole (the aggregator's 413 to a body too large): that
     * request's end, when it comes, needs no answer.
     */
    private int answeredEarly;
    /** Bytes have arrived since the last request was received whole: a request is on its way. */
    private boolean receiving;
    /** Whether a response has been sent here: a later request's deadline counts from its own first byte. */
    private boolean answeredOne;

    HttpDeadlines(ConnectionLimits limits, EarlyRefusal refusal, RefusalLog refusals) {
        this.limits = limits;
        this.refusal = refusal;
        this.refusals = refusals;
    }

    /** Goes before the HTTP codec. */
    ChannelInboundHandlerAdapter bytes() {
        return bytes;
    }

    /** Goes right after the HTTP codec. */
    ChannelDuplexHandler messages() {
        return messages;
    }

    private void arm(ChannelHandlerContext ctx, Duration after, Runnable expired) {
        cancel();
        timer = ctx.executor().schedule(expired, after.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void requestDeadline(ChannelHandlerContext ctx) {
        arm(ctx, limits.requestTimeout(), () -> {
            timer = null;
            if (!receiving || answeredEarly > 0) {
                ctx.close(); // nothing was sent, or the request has had its answer: nothing to say
                return;
            }
            String within = "within " + ConnectionLimits.seconds(limits.requestTimeout()) + " of "
                    + (answeredOne ? "its first byte" : "the connection's opening");
            var reason = Refusal.Reason.REQUEST_TIMEOUT;
            refusals.record(ctx.channel(), "a request", reason, within);
            refusal.send(
                    ctx.channel(),
                    HttpResponseStatus.REQUEST_TIMEOUT,
                    reason.code(),
                    "the request did not" + " arrive whole " + within
                            + "; send each request at once (vmo daemon --request-timeout)");
        });
    }

    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            requestDeadline(ctx);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf && buf.isReadable() && !receiving) {
                receiving = true;
                if (answering == 0 && answeredOne) {
                    requestDeadline(ctx); // the next request on a kept-alive connection: idle until now
                }
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }
    }

    private final class Messages extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof LastHttpContent) {
                // Received whole. (Bytes of a request pipelined behind it, in the same read, then count as idle.)
                receiving = false;
                if (answeredEarly > 0) {
                    answeredEarly--;
                    idleUnlessAnswering(ctx);
                } else {
                    answering++;
                    cancel();
                }
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse response
                    && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                promise = promise.unvoid();
                promise.addListener(written -> {
                    if (written.isSuccess()) {
                        becameWebSocket(ctx);
                    }
                });
            } else if (msg instanceof HttpResponse response
                    && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                // 100 Continue: the request's body is still to come, under its deadline
            } else if (msg instanceof LastHttpContent) {
                promise = promise.unvoid();
                promise.addListener(written -> answered(ctx));
            }
            ctx.write(msg, promise);
        }

        private void answered(ChannelHandlerContext ctx) {
            answeredOne = true;
            if (answering == 0) {
                answeredEarly++; // the request under way keeps its deadline for the rest of it
                return;
            }
            answering--;
            if (receiving) {
                if (answering == 0) {
                    requestDeadline(ctx);
                }
            } else {
                idleUnlessAnswering(ctx);
            }
        }

        private void idleUnlessAnswering(ChannelHandlerContext ctx) {
            if (answering == 0 && ctx.channel().isActive()) {
                arm(ctx, limits.idleTimeout(), () -> {
                    timer = null;
                    ctx.close();
                });
            }
        }

        private void becameWebSocket(ChannelHandlerContext ctx) {
            cancel();
            var pipeline = ctx.pipeline();
            pipeline.remove(bytes);
            pipeline.remove(messages);
            var liveness = new Liveness(limits.pingInterval(), limits.pingTimeout(), refusals);
            if (pipeline.get(TlsOnly.TLS) != null) {
                pipeline.addAfter(TlsOnly.TLS, null, liveness); // it sees and writes frames, not TLS records
            } else {
                pipeline.addFirst(liveness);
            }
        }
    }
}
