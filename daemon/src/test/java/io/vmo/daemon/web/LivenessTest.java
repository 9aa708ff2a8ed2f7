package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ping and its timeout on a channel whose clock the test moves. (That a slow reader is kept because it takes
 * the daemon's data needs a real socket and its buffers: WebSocketLivenessIT.)
 */
class LivenessTest {

    final RefusalLog log = new RefusalLog(Clock.systemUTC(), new EmbeddedChannel().eventLoop());

    EmbeddedChannel channel() {
        var channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addFirst(new Liveness(Duration.ofSeconds(30), Duration.ofSeconds(30), log));
        return channel;
    }

    static void advance(EmbeddedChannel channel, long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    static int pings(EmbeddedChannel channel) {
        int pings = 0;
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ByteBuf frame = (ByteBuf) o;
            if (frame.getUnsignedByte(0) == 0x89) {
                pings++;
            }
            frame.release();
        }
        return pings;
    }

    @Test
    void aSilentPeerIsPingedAfterTheIntervalAndClosedWhenTheTimeoutPassesWithoutASign() {
        var channel = channel();
        advance(channel, 29_000);
        assertThat(pings(channel)).isZero();
        advance(channel, 8_000);
        assertThat(pings(channel)).isEqualTo(1);
        advance(channel, 22_000);
        assertThat(channel.isOpen()).as("within the timeout").isTrue();
        advance(channel, 16_000);
        assertThat(channel.isOpen()).isFalse();
        assertThat(log.recent())
                .singleElement()
                .extracting(Refusal::line)
                .asString()
                .containsPattern("closed a WebSocket from .*: no sign of life after a ping: nothing sent, none of the"
                        + " daemon's data taken; for [\\d.]+ s");
    }

    @Test
    void aPeerThatTakesTheDaemonsDataIsAliveWithoutAnsweringAndDeadOnceItTakesNothing() {
        var channel = channel();
        advance(channel, 37_000);
        assertThat(pings(channel)).isEqualTo(1);
        for (int i = 0; i < 6; i++) { // output going out onto the connection (here: at once), a page each 10 s
            channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[1024]));
            advance(channel, 10_000);
        }
        assertThat(channel.isOpen())
                .as("a minute after the ping, never answered, but reading")
                .isTrue();
        advance(channel, 60_000);
        assertThat(channel.isOpen()).as("and once it takes nothing either").isFalse();
    }

    @Test
    void anyByteFromThePeerAnswersAndAPeerThatTalksIsNeverPinged() {
        var channel = channel();
        advance(channel, 37_000);
        assertThat(pings(channel)).isEqualTo(1);
        advance(channel, 20_000);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x8A, (byte) 0x80, 0, 0, 0, 0})); // a pong
        advance(channel, 60_000);
        assertThat(channel.isOpen()).isTrue();
        assertThat(pings(channel)).as("pinged again once silent again").isEqualTo(1);

        var talking = channel();
        for (int i = 0; i < 20; i++) {
            talking.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
            advance(talking, 20_000);
        }
        assertThat(pings(talking)).isZero();
        assertThat(talking.isOpen()).isTrue();
        assertThat(log.recent()).isEmpty();
    }
}
