package io.vmo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReconnectionTest {

    static final DaemonClient.ConnectionLost LOST = new DaemonClient.ConnectionLost("closed: status 1006");

    final List<Duration> pauses = new ArrayList<>();
    final AtomicLong now = new AtomicLong();
    final AtomicInteger tries = new AtomicInteger();

    Reconnection reconnection(int failures, Duration patience) {
        return new Reconnection(
                () -> {
                    if (tries.incrementAndGet() <= failures) {
                        throw new DaemonClient.Unreachable("cannot reach the vmo daemon at 127.0.0.1:7777");
                    }
                    return null; // stands for the new connection
                },
                new Console(),
                patience,
                pause -> {
                    pauses.add(pause);
                    now.addAndGet(pause.toNanos());
                },
                now::get);
    }

    @Test
    void triesAgainWithPausesThatDoubleUpToTwoSeconds() {
        reconnection(7, Reconnection.PATIENCE).after(LOST, "vmo tail JOB");
        assertThat(tries).hasValue(8);
        assertThat(pauses).extracting(Duration::toMillis).containsExactly(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L);
    }

    @Test
    void aDaemonThatOnlyDroppedTheConnectionIsFoundAtOnce() {
        reconnection(0, Reconnection.PATIENCE).after(LOST, "vmo tail JOB");
        assertThat(pauses).isEmpty();
    }

    @Test
    void givesUpAfterItsPatienceAndSaysHowToGoOn() {
        assertThatThrownBy(() -> reconnection(Integer.MAX_VALUE, Duration.ofSeconds(10))
                        .after(LOST, "`vmo tail 3f2a --since 42`"))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("cannot reach the vmo daemon")
                .hasMessageContaining("`vmo tail 3f2a --since 42`");
        assertThat(Duration.ofNanos(now.get())).isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(tries.get()).isBetween(6, 10);
    }
}
