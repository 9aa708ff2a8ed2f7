package io.vmo.daemon.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.vmo.protocol.Codec;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP error answer written as bytes, ahead of the HTTP codec — to a connection that is refused before any
 * request of it could be read (too many from its address) or whose request never arrived whole — and then a
 * lingering close: the daemon stops writing (FIN), reads and drops whatever else the client sends, and closes when
 * the client does or after {@link #LINGER_MILLIS}. Closing at once, with the client's bytes still unread, would
 * reset the connection, and a client may then lose the answer that says why.
 */
final class EarlyRefusal {

    static final long LINGER_MILLIS = 2_000;

    private final Codec codec;

    EarlyRefusal(Codec codec) {
        this.codec = codec;
    }

    /**
     * Answers {@code status} with the usual JSON error body and {@code Connection: close}, then closes. Every
     * handler leaves the pipeline first: nothing decodes what the client sends next, or what it half sent.
     */
    void send(Channel channel, HttpResponseStatus status, ErrorCode code, String message) {
        byte[] body = codec.encodeBytes(new Response.ErrorReply(null, code, message));
        String head = "HTTP/1.1 " + status + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Cache-Control: no-store\r\n"
                + "Connection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        ByteBuf response = Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
        ChannelPipeline pipeline = channel.pipeline();
        // Over TLS the answer must be encrypted like the rest: the SslHandler stays, first.
        SslHandler tls = pipeline.get(SslHandler.class);
        List<ChannelHandler> handlers = new ArrayList<>(pipeline.toMap().values());
        handlers.remove(tls);
        if (tls == null) {
            pipeline.addFirst(new Discard());
        } else {
            pipeline.addAfter(pipeline.context(tls).name(), null, new Discard());
        }
        for (ChannelHandler handler : handlers.reversed()) {
            pipeline.remove(handler);
        }
        channel.writeAndFlush(response).addListener(written -> {
            if (written.isSuccess() && channel instanceof SocketChannel socket) {
                if (tls != null) {
                    tls.closeOutbound(); // close_notify: the answer is whole, not cut off
                }
                socket.shutdownOutput();
                channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                channel.close();
            }
        });
    }

    /**
     * The whole pipeline of a refused connection: whatever the client still sends goes nowhere, and an error on
     * the way out (the client reset the connection) ends it without a word: the refusal is logged already.
     */
    static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
