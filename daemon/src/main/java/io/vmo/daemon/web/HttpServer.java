package io.vmo.daemon.web;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vmo.daemon.access.UserDirectory;
import io.vmo.daemon.audit.AuditReader;
import io.vmo.daemon.audit.AuditTrail;
import io.vmo.daemon.catalog.Catalog;
import io.vmo.daemon.job.JobManager;
import io.vmo.daemon.retention.Retention;
import io.vmo.daemon.store.StoreHealth;
import io.vmo.daemon.tls.ServerTls;
import io.vmo.protocol.Codec;
import io.vmo.protocol.LogFrame;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The daemon's one port. A connection beyond its address's share is refused ({@link PeerConnections}); each other
 * connection's pipeline: over TLS the {@link io.netty.handler.ssl.SslHandler} first ({@link TlsOnly} until the
 * first bytes show TLS), then the HTTP codec (with {@link HttpDeadlines} around it) → aggregator → {@link RequestGuard} →
 * WebSocket upgrade at /ws → {@link WebUi} (the UI's files, /login) → {@link RestHandler} (/api, /healthz)
 * → {@link MessageAssembler} → {@link WebSocketSession} → {@link ConnectionErrors}. After the upgrade
 * {@link Liveness} watches the WebSocket instead of the deadlines.
 */
public final class HttpServer implements AutoCloseable {

    /** Netty closes the connection beyond this; {@link MessageAssembler} answers smaller oversized messages. */
    private static final int MAX_FRAME_BYTES = 16 << 20;

    private static final int MAX_HTTP_BODY_BYTES = 64 << 10;
    /**
     * At most this much queued per connection before its cursors pause (a slow viewer's whole cost in the
     * daemon); they go on once it is down to the low mark.
     */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 << 10, 512 << 10);

    /**
     * The connections' threads: half the cores (at least one), not Netty's default of twice the cores. They do
     * the fan-out, and a job's own pipeline (its pump, the event writer, PostgreSQL) must keep the rest: with four
     * on two cores, 200 viewers of a 50 MB job took the CPU the store needed and the job's writing took +150–230%
     * longer than with no viewer; with one, +48–72% (bench, fanout phase). One loop still sends faster than a
     * viewer reads (a 500 MB flood followed at the store's rate).
     *
     * <p>Not below normal CPU priority: at nice 10 (with the job's threads made at nice 0), 200 viewers slowed a 50 MB
     * job's writing by +23 to +132 % (median of three, several runs) instead of +100 to +121 %, but the live
     * latency's p99 over the raw pipe went from 0.8-1.3 ms to 1.4-2.8 ms (target 2 ms): a woken nice thread waits
     * for a core.
     */
    static final int EVENT_LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final ExecutorService executor;

    private HttpServer(EventLoopGroup group, Channel serverChannel, ExecutorService executor) {
        this.group = group;
        this.serverChannel = serverChannel;
        this.executor = executor;
    }

    public static HttpServer start(
            InetSocketAddress listen,
            ServerTls tls,
            ConnectionLimits limits,
            AuthToken token,
            UserDirectory users,
            BrowserSessions sessions,
            JobManager jobs,
            Catalog catalog,
            HealthChecks checks,
            Retention retention,
            StoreHealth health,
            Codec codec,
            AuditTrail audit,
            AuditReader auditTrail)
            throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(EVENT_LOOPS, NioIoHandler.newFactory());
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpResponses responses = new HttpResponses(codec);
        OpenSockets sockets = new OpenSockets();
        SharedEncodings encodings = new SharedEncodings(codec);
        RequestAudit audited = new RequestAudit(audit);
        RequestHandler requests =
                new RequestHandler(jobs, catalog, checks, users, sessions, sockets, retention, audited, auditTrail);
        RefusalLog refusals = new RefusalLog(Clock.systemUTC(), group, audit);
        EarlyRefusal refusal = new EarlyRefusal(codec);
        PeerConnections peers = new PeerConnections(limits.maxPerPeer(), refusal, refusals);
        ConnectionErrors errors = new ConnectionErrors(refusals);
        GuessThrottle throttle = new GuessThrottle(Clock.systemUTC(), refusals);
        RequestGuard guard =
                new RequestGuard(token, users, sessions, ownHosts(listen, tls), responses, throttle, refusals);
        WebUi ui = new WebUi(sessions, throttle, audit);
        RestHandler rest = new RestHandler(requests, health, sessions, codec, responses, executor, audited);
        var webSocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(Routes.WEBSOCKET_PATH)
                .checkStartsWith(false)
                .subprotocols(LogFrame.SUBPROTOCOL)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .build();
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childOption(ChannelOption.ALLOCATOR, new SharedArraysAllocator(ByteBufAllocator.DEFAULT))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) { // first: everything else reads and writes what it decrypts
                                ch.pipeline().addLast(new TlsOnly(tls, executor, limits, refusal, refusals));
                            }
                            if (!peers.admit(ch)) {
                                return;
                            }
                            var deadlines = new HttpDeadlines(limits, refusal, refusals);
                            ch.pipeline()
                                    .addLast(
                                            new FlushConsolidationHandler(256, true),
                                            deadlines.bytes(),
                                            new HttpServerCodec(),
                                            deadlines.messages(),
                                            new HttpObjectAggregator(MAX_HTTP_BODY_BYTES),
                                            guard,
                                            new WebSocketServerProtocolHandler(webSocket),
                                            ui,
                                            rest,
                                            new MessageAssembler(),
                                            new WebSocketSession(
                                                    codec, encodings, requests, jobs, executor, sockets, audited),
                                            errors);
                        }
                    })
                    .bind(listen)
                    .sync()
                    .channel();
            return new HttpServer(group, channel, executor);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully();
            executor.shutdownNow();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * The host names a request's Host header may carry: loopback names, the listen address, and over TLS the names
     * the certificate covers (a name in our own certificate is ours: no rebinding page can hold that certificate).
     */
    private static Set<String> ownHosts(InetSocketAddress listen, ServerTls tls) {
        Set<String> hosts = new HashSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));
        if (tls != null) {
            hosts.addAll(tls.names());
        }
        hosts.add(hostLiteral(listen.getAddress()));
        if (listen.getAddress().isAnyLocalAddress()) {
            try {
                NetworkInterface.networkInterfaces()
                        .flatMap(NetworkInterface::inetAddresses)
                        .forEach(a -> hosts.add(hostLiteral(a)));
            } catch (SocketException e) {
                // loopback names still work
            }
        }
        return Set.copyOf(hosts);
    }

    private static String hostLiteral(InetAddress address) {
        String literal = address.getHostAddress().replaceAll("%.*", "");
        return address instanceof java.net.Inet6Address ? "[" + literal + "]" : literal;
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully().syncUninterruptibly();
        executor.shutdownNow();
    }
}
