package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GuessThrottleTest {

    final TestClock clock = new TestClock();
    final EmbeddedChannel scheduler = new EmbeddedChannel();
    final RefusalLog refusals = new RefusalLog(clock, scheduler.eventLoop());
    final GuessThrottle throttle = new GuessThrottle(clock, refusals);

    @Test
    void theFirstFewAreFreeThenTheDelayDoublesUpToItsCap() {
        for (int n = 1; n <= GuessThrottle.FREE; n++) {
            assertThat(GuessThrottle.delay(n)).isZero();
        }
        assertThat(GuessThrottle.delay(6)).isEqualTo(Duration.ofMillis(250));
        assertThat(GuessThrottle.delay(7)).isEqualTo(Duration.ofMillis(500));
        assertThat(GuessThrottle.delay(11)).isEqualTo(Duration.ofSeconds(8));
        assertThat(GuessThrottle.delay(14)).isEqualTo(GuessThrottle.MAX_DELAY);
        assertThat(GuessThrottle.delay(1_000_000)).isEqualTo(GuessThrottle.MAX_DELAY);
    }

    @Test
    void failuresCountPerAddressUntilItHasBeenQuietLongEnough() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        assertThat(throttle.fail(a)).isEqualTo(1);
        assertThat(throttle.fail(a)).isEqualTo(2);
        assertThat(throttle.fail(b)).isEqualTo(1);
        clock.advance(GuessThrottle.FORGET_AFTER.minusSeconds(1));
        assertThat(throttle.fail(a)).as("not yet forgotten").isEqualTo(3);
        clock.advance(GuessThrottle.FORGET_AFTER.plusSeconds(1));
        assertThat(throttle.fail(a)).isEqualTo(1);
    }

    @Test
    void anIpv6GuesserIsItsSlash64() throws Exception {
        assertThat(GuessThrottle.source(InetAddress.getByName("2001:db8:1:2::1")))
                .isEqualTo(GuessThrottle.source(InetAddress.getByName("2001:db8:1:2:ffff::9")))
                .isNotEqualTo(GuessThrottle.source(InetAddress.getByName("2001:db8:1:3::1")));
        assertThat(GuessThrottle.source(InetAddress.getByName("192.0.2.7")))
                .isEqualTo(InetAddress.getByName("192.0.2.7"));
    }

    @Test
    void aHeldBackAnswerIsScheduledNotSleptAndItsConnectionReadsNothingMore() {
        List<Refusal> answered = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                throttle.refuse(ctx, (FullHttpRequest) msg, Refusal.Reason.WRONG_TOKEN, answered::add);
                ((FullHttpRequest) msg).release();
            }
        });
        channel.freezeTime(); // only advanceTimeBy moves its clock: a slow machine's own time must not count
        for (int n = 1; n <= GuessThrottle.FREE; n++) {
            channel.writeInbound(request());
        }
        assertThat(answered)
                .hasSize(GuessThrottle.FREE)
                .allSatisfy(r -> assertThat(r.delayed()).isZero());
        FullHttpRequest sixth = request();
        channel.writeInbound(sixth);
        assertThat(answered).as("the sixth waits").hasSize(GuessThrottle.FREE);
        assertThat(GuessThrottle.isHeld(channel)).isTrue();
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(sixth.refCnt()).as("kept readable for the late answer").isEqualTo(1);
        channel.advanceTimeBy(249, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(answered).hasSize(GuessThrottle.FREE);
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(answered)
                .hasSize(GuessThrottle.FREE + 1)
                .last()
                .satisfies(r -> assertThat(r.failures()).isEqualTo(6))
                .satisfies(r -> assertThat(r.delayed()).isEqualTo(Duration.ofMillis(250)));
        assertThat(sixth.refCnt()).isZero();
        assertThat(refusals.recent()).hasSize(6).extracting(Refusal::request).containsOnly("GET /api/jobs");
    }

    private static FullHttpRequest request() {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/jobs?limit=1");
    }
}
