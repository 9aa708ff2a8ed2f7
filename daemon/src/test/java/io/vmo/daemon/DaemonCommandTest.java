package io.vmo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonCommandTest {

    @Test
    void onlyLoopbackIsAcceptedWithoutTheFlag() {
        for (String listen : List.of("127.0.0.1:7777", "localhost:0", "[::1]:7777", ":7777")) {
            assertThatCode(() -> DaemonCommand.refuseNetworkUnlessAccepted(DaemonCommand.parseListen(listen), false))
                    .as(listen)
                    .doesNotThrowAnyException();
        }
        for (String listen : List.of("0.0.0.0:7777", "[::]:7777", "192.0.2.10:7777")) {
            assertThatThrownBy(
                            () -> DaemonCommand.refuseNetworkUnlessAccepted(DaemonCommand.parseListen(listen), false))
                    .as(listen)
                    .hasMessageContaining("--insecure-plaintext-on-network")
                    .hasMessageContaining("plaintext");
            assertThatCode(() -> DaemonCommand.refuseNetworkUnlessAccepted(DaemonCommand.parseListen(listen), true))
                    .as(listen)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void aHostThatDoesNotResolveIsAnError() {
        assertThatThrownBy(() -> DaemonCommand.parseListen("no-such-host.invalid:7777"))
                .hasMessageContaining("cannot resolve no-such-host.invalid");
    }

    @Test
    void aWildcardAddressIsPrintedAsAddressesAClientCanUse() throws Exception {
        List<InetAddress> interfaces = List.of(
                InetAddress.getByName("127.0.0.1"),
                InetAddress.getByName("10.1.2.3"),
                InetAddress.getByName("fe80::1"),
                InetAddress.getByName("192.168.0.7"));
        for (String wildcard : List.of("0.0.0.0", "::")) {
            assertThat(DaemonCommand.urls(InetAddress.getByName(wildcard), 7777, interfaces))
                    .containsExactly("http://127.0.0.1:7777", "http://10.1.2.3:7777", "http://192.168.0.7:7777");
        }
        assertThat(DaemonCommand.urls(InetAddress.getByName("::1"), 7777, interfaces))
                .containsExactly("http://[::1]:7777");
        assertThat(DaemonCommand.urls(InetAddress.getByName("10.1.2.3"), 7777, interfaces))
                .containsExactly("http://10.1.2.3:7777");
    }
}
