package io.vmo.daemon.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslHandler;
import io.vmo.daemon.tls.ServerTls;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * First in a TLS daemon's pipelines, until a connection's first bytes show what it speaks: a TLS record puts the
 * {@link SslHandler} in its place; anything else (a browser or script sent to {@code http://}) is answered, in
 * plaintext, {@code 400} with the https URL to use, and closed — rather than a TLS alert nobody can read. Nothing
 * of such a connection reaches the HTTP handlers.
 */
final class TlsOnly extends ByteToMessageDecoder {

    /** The pipeline's name of the {@link SslHandler}. */
    static final String TLS = "tls";

    private final ServerTls tls;
    private final Executor work;
    private final ConnectionLimits limits;
    private final EarlyRefusal refusal;
    private final RefusalLog refusals;

    TlsOnly(ServerTls tls, Executor work, ConnectionLimits limits, EarlyRefusal refusal, RefusalLog refusals) {
        this.tls = tls;
        this.work = work;
        this.limits = limits;
        this.refusal = refusal;
        this.refusals = refusals;
    }

    /** Whether the connection is (to be) TLS: its 429 must wait for the handshake, its Origin is https. */
    static boolean isTls(Channel channel) {
        return channel.pipeline().get(SslHandler.class) != null
                || channel.pipeline().get(TlsOnly.class) != null;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 5) { // a TLS record's header
            return;
        }
        if (SslHandler.isEncrypted(in, false)) {
            ctx.pipeline().replace(this, TLS, tls.newHandler(ctx.alloc(), work, limits.requestTimeout()));
            return; // what was read goes on to the SslHandler
        }
        in.skipBytes(in.readableBytes());
        var reason = Refusal.Reason.PLAINTEXT_ON_TLS;
        refusals.record(ctx.channel(), "a connection", reason, "");
        refusal.send(
                ctx.channel(),
                HttpResponseStatus.BAD_REQUEST,
                reason.code(),
                "this vmo daemon speaks only TLS: use https:// (the CLI: --daemon https://HOST:PORT)");
    }
}
