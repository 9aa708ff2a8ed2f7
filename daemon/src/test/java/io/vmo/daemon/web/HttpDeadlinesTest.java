package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.vmo.protocol.Codec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The deadlines over Netty's own HTTP codec and aggregator, on a channel whose clock the test moves. */
class HttpDeadlinesTest {

    static final ConnectionLimits LIMITS = new ConnectionLimits(
            8, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30));
    static final String HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";

    final RefusalLog log = new RefusalLog(Clock.systemUTC(), new EmbeddedChannel().eventLoop());

    /** Answers every request at once with 200 "ok", keeping the connection. */
    static final class Ok extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            var response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK,
                    Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
            ctx.writeAndFlush(response);
        }
    }

    EmbeddedChannel channel() {
        var deadlines = new HttpDeadlines(LIMITS, new EarlyRefusal(new Codec()), log);
        var channel = new EmbeddedChannel(
                deadlines.bytes(), new HttpServerCodec(), deadlines.messages(), new HttpObjectAggregator(16), new Ok());
        channel.freezeTime();
        return channel;
    }

    static void send(EmbeddedChannel channel, String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
    }

    static void advance(EmbeddedChannel channel, long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    /** Everything written to the client so far, as text. */
    static String written(EmbeddedChannel channel) {
        var text = new StringBuilder();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) o;
            text.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return text.toString();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheDeadlineWithoutAWord() {
        var channel = channel();
        advance(channel, 9);
        assertThat(channel.isOpen()).isTrue();
        advance(channel, 1);
        assertThat(channel.isOpen()).isFalse();
        assertThat(written(channel)).isEmpty();
        assertThat(log.recent()).isEmpty();
    }

    @Test
    void aRequestStillArrivingAtTheDeadlineIsAnswered408AndClosed() {
        var channel = channel();
        send(channel, "GET /healthz HTTP/1.1\r\nHost: loc");
        advance(channel, 5);
        send(channel, "alh");
        advance(channel, 4);
        assertThat(channel.isOpen()).isTrue();
        advance(channel, 1);
        assertThat(written(channel))
                .startsWith("HTTP/1.1 408 Request Timeout\r\n")
                .contains("Connection: close")
                .contains("\"code\":\"request-timeout\"")
                .contains("within 10 s of the connection's opening");
        assertThat(channel.isOpen()).isFalse();
        assertThat(log.recent())
                .singleElement()
                .extracting(Refusal::line)
                .asString()
                .startsWith("refused a request")
                .endsWith("(request-timeout): the request did not arrive whole in time; within 10 s of the connection's"
                        + " opening");
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAndALaterRequestHasItsOwnDeadline() {
        var channel = channel();
        send(channel, HEALTHZ);
        assertThat(written(channel)).startsWith("HTTP/1.1 200 OK");
        advance(channel, 59); // idle, but within the minute: no request deadline between requests
        assertThat(channel.isOpen()).isTrue();
        send(channel, "GET /healthz HTTP/1.1\r\n"); // the next request, from its first byte
        advance(channel, 9);
        assertThat(channel.isOpen()).isTrue();
        advance(channel, 1);
        assertThat(written(channel)).startsWith("HTTP/1.1 408").contains("within 10 s of its first byte");
        assertThat(channel.isOpen()).isFalse();

        var idle = channel();
        send(idle, HEALTHZ);
        advance(idle, 59);
        assertThat(idle.isOpen()).isTrue();
        advance(idle, 1);
        assertThat(idle.isOpen()).as("a minute idle").isFalse();
    }

    @Test
    void aBodyTooLargeAnswered413EarlyStillHasItsDeadlineAndThenEndsQuietly() {
        var channel = channel();
        send(channel, "POST /api/jobs/cancel HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123");
        assertThat(written(channel)).startsWith("HTTP/1.1 413");
        assertThat(channel.isOpen())
                .as("Netty keeps a keep-alive connection after its 413")
                .isTrue();
        advance(channel, 10);
        assertThat(channel.isOpen()).as("the rest of the body never came").isFalse();
        assertThat(written(channel)).as("the request had its answer").isEmpty();

        // The rest comes: that request needs no other answer, and the connection is idle from then on.
        var whole = channel();
        send(whole, "POST /api/jobs/cancel HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123");
        assertThat(written(whole)).startsWith("HTTP/1.1 413");
        send(whole, "x".repeat(96));
        advance(whole, 59);
        assertThat(whole.isOpen()).isTrue();
        advance(whole, 1);
        assertThat(whole.isOpen())
                .as("idle for the idle timeout after the body ended")
                .isFalse();
        assertThat(written(whole)).isEmpty();
    }
}
