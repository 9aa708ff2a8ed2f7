package io.vmo.daemon.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Whether the peer of a WebSocket still lives; first in its pipeline once the upgrade is done. A peer that has
 * gone silently (its machine or network gone, its process frozen) would otherwise hold its connection, its
 * subscriptions and its terminal attachments until TCP gives up, which can take many minutes or, with nothing to
 * send, for ever.
 *
 * <p>Two things count as a sign of life: any byte from the peer (a message, a ping, a pong — asked for or not:
 * RFC 6455 lets a client send unsolicited pongs as a heartbeat, which the CLI does), and the peer taking the
 * daemon's data: some of it went out onto the connection, which once the socket's buffers are full happens only as
 * the peer reads. After {@code interval} without a byte from it, the peer is pinged; when a {@code timeout} passes
 * with neither, it is closed (which releases its subscriptions and attachments like any close).
 *
 * <p>Why the second sign: the daemon sends a job's output only while the connection can take more, so on a slow
 * reader's connection the ping queues behind up to half a megabyte of output and the socket buffers' worth, and
 * reaches the peer only when it has read that far — which may take longer than the timeout. Its pong cannot come
 * sooner, yet it is alive and reading: it is never closed for being slow, only for taking nothing and saying
 * nothing. (Its limit: a reader so slow that the socket buffers alone, once the daemon has nothing more to send it,
 * take longer than the timeout to reach the ping.) A dead peer of a job in full flow is closed once the buffers are
 * full; one with nothing to receive, a timeout after the ping. A client whose reader stops altogether (a pager
 * nobody scrolls) keeps its connection by sending something, as the CLI's heartbeat does; a browser always answers
 * pings.
 */
final class Liveness extends ChannelDuplexHandler {

    /** A ping from the server: FIN + opcode 9, unmasked, no payload. */
    private static final byte[] PING = {(byte) 0x89, 0};

    private final long intervalNanos;
    private final long timeoutNanos;
    private final RefusalLog refusals;
    private Ticker ticker;
    private ScheduledFuture<?> check;
    private long lastReadNanos;
    /** When the outstanding ping went out (0: none is), or when the peer last took data since it did. */
    private long pingNanos;

    private long writesDoneAtPing;
    /** Writes of the daemon's that have gone out onto the connection (the pings not counted). */
    private long writesDone;

    Liveness(Duration interval, Duration timeout, RefusalLog refusals) {
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.refusals = refusals;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ticker = ctx.executor().ticker();
        lastReadNanos = ticker.nanoTime();
        // Checked a few times per period, so a deadline is kept to within a quarter of the shorter one.
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(intervalNanos, timeoutNanos) / 4);
        check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), tick, tick, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        check.cancel(false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        check.cancel(false);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = ticker.nanoTime();
        pingNanos = 0; // anything answers the ping
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ChannelPromise counted = promise.unvoid();
        counted.addListener(written -> {
            if (written.isSuccess()) {
                writesDone++; // on the event loop, as every other field here
            }
        });
        ctx.write(msg, counted);
    }

    private void check(ChannelHandlerContext ctx) {
        long now = ticker.nanoTime();
        if (pingNanos == 0) {
            if (now - lastReadNanos >= intervalNanos) {
                ping(ctx, now);
            }
            return;
        }
        if (now - pingNanos < timeoutNanos) {
            return;
        }
        if (writesDone > writesDoneAtPing) {
            mark(now); // it took some of the daemon's data: alive, reading, and the ping is on its way to it
            return;
        }
        refusals.record(
                ctx.channel(),
                "a WebSocket",
                Refusal.Reason.SILENT_PEER,
                "for " + ConnectionLimits.seconds(Duration.ofNanos(now - pingNanos))
                        + " (vmo daemon --ws-ping-timeout)");
        check.cancel(false);
        // Reset rather than FIN: a dead peer will not read what is queued for it, and the kernel need not keep it.
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        ctx.channel().close();
    }

    private void ping(ChannelHandlerContext ctx, long now) {
        mark(now);
        // Written below this handler, so not counted as the daemon's data going out; between whole frames, since
        // every frame is written in one go on this same thread.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(PING));
    }

    private void mark(long now) {
        pingNanos = now;
        writesDoneAtPing = writesDone;
    }
}
