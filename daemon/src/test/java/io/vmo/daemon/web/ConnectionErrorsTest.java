package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionErrorsTest {

    final RefusalLog refusals = new RefusalLog(Clock.systemUTC(), new EmbeddedChannel().eventLoop());
    final ConnectionErrors errors = new ConnectionErrors(refusals);

    /** A handler that throws whatever it reads, as a buggy or a decoding one would; a list, one after another. */
    static final class Thrower extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof List<?> several) {
                several.forEach(e -> ctx.fireExceptionCaught((Throwable) e));
                return;
            }
            throw (Exception) msg;
        }
    }

    @Test
    void anUnexpectedErrorIsOneRefusalPerConnectionAndTheConnectionClosesWithoutAWordToTheClient() {
        var channel = new EmbeddedChannel(new Thrower(), errors);
        channel.writeInbound(List.of(new IllegalStateException("a bug"), new IllegalStateException("and more")));
        assertThat(refusals.recent()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(Refusal.Reason.UNEXPECTED_ERROR);
            assertThat(r.line())
                    .startsWith("closed a connection from ")
                    .contains("an unexpected error (a bug")
                    .endsWith("; java.lang.IllegalStateException: a bug");
        });
        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readOutbound())
                .as("nothing written to the client")
                .isNull();
        channel.checkException(); // nothing reached the pipeline's tail

        var another = new EmbeddedChannel(new Thrower(), errors);
        another.writeInbound(new IllegalStateException("a bug"));
        assertThat(refusals.recent()).as("once per connection").hasSize(2);
    }

    @Test
    void aMalformedFrameIsARefusalWithItsCloseCodeAndAFailingConnectionNone() {
        var frames = new EmbeddedChannel(new Thrower(), errors);
        frames.writeInbound(new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.PROTOCOL_ERROR, "data frame using reserved opcode 3"));
        assertThat(refusals.recent())
                .singleElement()
                .extracting(Refusal::line)
                .asString()
                .startsWith("closed a WebSocket frame from ")
                .endsWith(": malformed WebSocket frame; close code 1002"
                        + " Protocol error: data frame using reserved opcode 3");
        assertThat(frames.isOpen()).isFalse();

        var reset = new EmbeddedChannel(new Thrower(), errors);
        reset.writeInbound(new IOException("Connection reset by peer"));
        assertThat(refusals.recent())
                .as("a peer that resets its connection is no news")
                .hasSize(1);
        assertThat(reset.isOpen()).isFalse();
    }
}
