package io.vmo.daemon.web;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vmo.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;

/**
 * Joins fragmented text frames into one message string. A message over {@link #MAX_MESSAGE_BYTES} is read and
 * dropped, and answered with a {@code frame-too-large} error instead of closing the connection (Netty's own
 * aggregator would close it). Binary frames are answered the same way: clients send JSON text (only the daemon
 * sends binary frames, output to clients that ask for it).
 */
final class MessageAssembler extends SimpleChannelInboundHandler<WebSocketFrame> {

    static final int MAX_MESSAGE_BYTES = 1 << 20;

    /** A whole text message, or why one was refused; what {@link WebSocketSession} receives. */
    sealed interface Incoming permits Text, Refused {}

    record Text(String json) implements Incoming {}

    record Refused(ErrorCode code, String message) implements Incoming {}

    private CompositeByteBuf pending;
    private boolean binary;
    private long size;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            reset();
            binary = frame instanceof BinaryWebSocketFrame;
            pending = ctx.alloc().compositeBuffer();
        } else if (!(frame instanceof ContinuationWebSocketFrame) || pending == null) {
            return; // ping, pong and close are Netty's; a stray continuation has nothing to continue
        }
        size += frame.content().readableBytes();
        if (!binary && size <= MAX_MESSAGE_BYTES) {
            pending.addComponent(true, frame.content().retain());
        }
        if (!frame.isFinalFragment()) {
            return;
        }
        if (binary) {
            ctx.fireChannelRead(new Refused(
                    ErrorCode.BAD_REQUEST,
                    "binary frames are not part of the protocol; send each message as one JSON text frame"));
        } else if (size > MAX_MESSAGE_BYTES) {
            ctx.fireChannelRead(new Refused(
                    ErrorCode.FRAME_TOO_LARGE,
                    "a message of " + size + " bytes is over the " + MAX_MESSAGE_BYTES
                            + "-byte limit; send smaller messages"));
        } else {
            ctx.fireChannelRead(new Text(pending.toString(StandardCharsets.UTF_8)));
        }
        reset();
    }

    private void reset() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        size = 0;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        reset();
        ctx.fireChannelInactive();
    }
}
