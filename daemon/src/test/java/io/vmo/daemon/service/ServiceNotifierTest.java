package io.vmo.daemon.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The socket addresses; that systemd gets READY=1 and STOPPING=1 on a real socket is ServiceIT's. */
class ServiceNotifierTest {

    @Test
    void aPathEndsWithNulAnAbstractNameStartsWithOne() {
        byte[] path = ServiceNotifier.address("/run/user/1000/systemd/notify");
        assertThat(path).hasSize(2 + "/run/user/1000/systemd/notify".length() + 1);
        assertThat(path[0] | path[1]).isEqualTo(1); // AF_UNIX
        assertThat(path[2]).isEqualTo((byte) '/');
        assertThat(path[path.length - 1]).isZero();

        byte[] abstractName = ServiceNotifier.address("@vmo/notify");
        assertThat(abstractName).hasSize(2 + "@vmo/notify".length());
        assertThat(abstractName[2]).isZero();
        assertThat(abstractName[3]).isEqualTo((byte) 'v');
        assertThat(abstractName[abstractName.length - 1]).isEqualTo((byte) 'y');
    }

    @Test
    void neitherPathNorAbstractOrTooLongIsRefused() {
        assertThatThrownBy(() -> ServiceNotifier.address("relative/notify"))
                .hasMessageContaining("neither a path nor @abstract");
        assertThatThrownBy(() -> ServiceNotifier.address("/" + "x".repeat(200)))
                .hasMessageContaining("longer than a unix socket's path");
    }

    @Test
    void withoutNotifySocketNothingIsSent() {
        ServiceNotifier notifier = ServiceNotifier.from(Map.of());
        notifier.ready("listening");
        notifier.stopping(); // no socket, no JNA: nothing to see but that it returns
    }
}
