package io.vmo.daemon.web;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How many connections each peer address has open. One beyond {@link ConnectionLimits#maxPerPeer} is answered
 * {@code 429 too-many-connections} at once and closed, before anything of it is read: one client (a runaway script,
 * 300 sockets trickling their headers) cannot take the daemon's connections from everyone else. Loopback is one
 * address, every local program's: the default leaves room for a busy workstation (the benchmark's 200 viewers).
 */
final class PeerConnections {

    /** How long a refused connection to a TLS daemon may take to finish its handshake and hear why. */
    static final long HANDSHAKE_WAIT_SECONDS = 10;

    private final int max;
    private final EarlyRefusal refusal;
    private final RefusalLog refusals;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();

    PeerConnections(int max, EarlyRefusal refusal, RefusalLog refusals) {
        this.max = max;
        this.refusal = refusal;
        this.refusals = refusals;
    }

    /**
     * Counts a new connection in until it closes and returns true, or, when its address has the most open
     * already, gives it the refusal as its whole pipeline and returns false.
     */
    boolean admit(Channel channel) {
        InetAddress peer = RefusalLog.peer(channel);
        boolean[] admitted = {false};
        open.compute(peer, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= max) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (admitted[0]) {
            channel.closeFuture().addListener(closed -> open.computeIfPresent(peer, (k, n) -> n == 1 ? null : n - 1));
        } else {
            channel.pipeline().addLast(new Refuse(peer));
        }
        return admitted[0];
    }

    private final class Refuse extends ChannelInboundHandlerAdapter {
        private final InetAddress peer;

        Refuse(InetAddress peer) {
            this.peer = peer;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (TlsOnly.isTls(ctx.channel())) {
                // The refusal waits for the handshake; a client that never begins one is not waited for long.
                ctx.executor().schedule(() -> ctx.close(), HANDSHAKE_WAIT_SECONDS, TimeUnit.SECONDS);
            } else {
                refuse(ctx);
            }
        }

        /** Over TLS the refusal can only be said once the handshake is done; a failed one just closes. */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent done) {
                if (done.isSuccess()) {
                    refuse(ctx);
                } else {
                    ctx.close();
                }
            }
        }

        private void refuse(ChannelHandlerContext ctx) {
            var reason = Refusal.Reason.TOO_MANY_CONNECTIONS;
            refusals.record(ctx.channel(), "a connection", reason, max + " open already");
            refusal.send(
                    ctx.channel(),
                    HttpResponseStatus.TOO_MANY_REQUESTS,
                    reason.code(),
                    peer.getHostAddress()
                            + " already has " + max + " connections open to this daemon, the most one address may have"
                            + " (vmo daemon --max-connections-per-peer); close some (idle browser tabs, stuck scripts) and"
                            + " try again");
        }
    }
}
