package io.vmo.daemon.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.vmo.daemon.access.Caller;
import io.vmo.daemon.job.JobManager;
import io.vmo.daemon.job.Subscriber;
import io.vmo.protocol.Codec;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.LogFrame;
import io.vmo.protocol.Message;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmoException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One client connection: decodes its messages, hands requests to the {@link RequestHandler} on virtual threads,
 * and sends it replies and the events of the jobs it joined.
 */
final class WebSocketSession extends SimpleChannelInboundHandler<MessageAssembler.Incoming> implements Subscriber {

    /**
     * Job output never queues here beyond the write buffer's high-water mark: cursors send it only while the
     * connection is writable. Replies and notices go out at once; a client that leaves this much of them unread
     * is closed.
     */
    static final long MAX_PENDING_BYTES = 16L << 20;

    private final Codec codec;
    private final SharedEncodings encodings;
    private final RequestHandler handler;
    private final JobManager jobs;
    private final ExecutorService executor;
    private final OpenSockets sockets;
    private final RequestAudit audit;
    /**
     * Typing and resizing of this connection, handled one at a time in arrival order (other requests each get a
     * thread of their own, which could reorder keystrokes). Writing to a terminal may block while its program
     * does not read; then only this connection's input waits.
     */
    private final ExecutorService inputLane =
            Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());

    private volatile Channel channel;
    /** Who opened this connection: resolved once, at its upgrade, by the {@link RequestGuard}. */
    private volatile Caller caller;
    /** Whether the client opened the connection with {@link LogFrame#SUBPROTOCOL}: output as binary frames. */
    private volatile boolean binaryOutput;

    WebSocketSession(
            Codec codec,
            SharedEncodings encodings,
            RequestHandler handler,
            JobManager jobs,
            ExecutorService executor,
            OpenSockets sockets,
            RequestAudit audit) {
        this.audit = audit;
        this.codec = codec;
        this.encodings = encodings;
        this.handler = handler;
        this.jobs = jobs;
        this.executor = executor;
        this.sockets = sockets;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
            caller = ctx.channel().attr(RequestGuard.CALLER).get();
            sockets.opened(ctx.channel(), caller);
            binaryOutput = LogFrame.SUBPROTOCOL.equals(handshake.selectedSubprotocol());
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MessageAssembler.Incoming incoming) {
        switch (incoming) {
            case MessageAssembler.Refused r -> send(new Response.ErrorReply(null, r.code(), r.message()));
            case MessageAssembler.Text t -> {
                Request request;
                try {
                    Message message = codec.decode(t.json());
                    if (!(message instanceof Request r)) {
                        throw new VmoException(
                                ErrorCode.UNKNOWN_TYPE, "that message type is sent by the daemon, not to it");
                    }
                    request = r;
                } catch (VmoException e) {
                    audit.undecodable(caller, "a WebSocket message", e.code());
                    send(new Response.ErrorReply(null, e.code(), e.getMessage()));
                    return;
                }
                Caller who = caller;
                if (request instanceof Request.Stdin || request instanceof Request.Resize) {
                    inputLane.execute(() -> handler.handle(request, who, this));
                } else {
                    executor.execute(() -> handler.handle(request, who, this));
                }
            }
        }
    }

    /** Replies and notices, from any thread. A client this far behind on them is misbehaving: it is closed. */
    @Override
    public void send(Response message) {
        Channel ch = channel;
        if (!ch.isActive()) {
            return;
        }
        var outbound = ch.unsafe().outboundBuffer();
        if (outbound != null && outbound.totalPendingWriteBytes() > MAX_PENDING_BYTES) {
            ch.writeAndFlush(new CloseWebSocketFrame(
                    WebSocketCloseStatus.POLICY_VIOLATION,
                    "more than " + (MAX_PENDING_BYTES >> 20) + " MB of replies unread; read the socket"));
            ch.close();
            return;
        }
        ch.writeAndFlush(frame(message));
    }

    @Override
    public Executor executor() {
        return channel.eventLoop();
    }

    @Override
    public boolean writable() {
        return channel.isActive() && channel.isWritable();
    }

    @Override
    public void write(Response message) {
        channel.write(frame(message));
    }

    @Override
    public void flush() {
        channel.flush();
    }

    private Object frame(Response message) {
        if (message instanceof Response.JobLog log) {
            if (binaryOutput) {
                // The output's bytes go out as they are, behind a small header: no decoding, escaping or copying.
                return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(
                        Unpooled.wrappedBuffer(LogFrame.header(log)), Unpooled.wrappedBuffer(log.data())));
            }
            return new TextWebSocketFrame(Unpooled.wrappedBuffer(encodings.json(log)));
        }
        return new TextWebSocketFrame(Unpooled.wrappedBuffer(codec.encodeBytes(message)));
    }

    /** Room again on the connection (below the low-water mark): the cursors of this client go on. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            jobs.resume(this);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        jobs.forget(this); // takes no lock: this is a network thread
        sockets.closed(ctx.channel());
        inputLane.shutdownNow();
        ctx.fireChannelInactive();
    }
}
