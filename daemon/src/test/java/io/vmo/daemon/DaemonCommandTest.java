package io.vmo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.daemon.tls.TlsSetup;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonCommandTest {

    @Test
    void onlyLoopbackIsAcceptedWithoutTls() {
        TlsSetup selfSigned = TlsSetup.of("self-signed", null, null);
        for (String listen : List.of("127.0.0.1:7777", "localhost:0", "[::1]:7777", ":7777")) {
            assertThatCode(() ->
                            DaemonCommand.refuseNetworkWithoutTls(DaemonCommand.parseListen(listen), TlsSetup.NONE))
                    .as(listen)
                    .doesNotThrowAnyException();
        }
        for (String listen : List.of("0.0.0.0:7777", "[::]:7777", "192.0.2.10:7777")) {
            assertThatThrownBy(() ->
                            DaemonCommand.refuseNetworkWithoutTls(DaemonCommand.parseListen(listen), TlsSetup.NONE))
                    .as(listen)
                    .hasMessageContaining("--tls self-signed")
                    .hasMessageContaining("--tls-cert FILE --tls-key FILE")
                    .hasMessageContaining("plaintext");
            assertThatCode(() -> DaemonCommand.refuseNetworkWithoutTls(DaemonCommand.parseListen(listen), selfSigned))
                    .as(listen)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void tlsOptionsMustMakeOneSetup() {
        Path cert = Path.of("c.pem");
        Path key = Path.of("k.pem");
        assertThat(TlsSetup.of(null, null, null).enabled()).isFalse();
        assertThat(TlsSetup.of("self-signed", null, null).selfSigned()).isTrue();
        assertThat(TlsSetup.of(null, cert, key).enabled()).isTrue();
        assertThatThrownBy(() -> TlsSetup.of("on", null, null)).hasMessageContaining("--tls self-signed");
        assertThatThrownBy(() -> TlsSetup.of(null, cert, null)).hasMessageContaining("go together");
        assertThatThrownBy(() -> TlsSetup.of("self-signed", cert, key)).hasMessageContaining("not both");
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
            assertThat(DaemonCommand.urls("http", InetAddress.getByName(wildcard), 7777, interfaces))
                    .containsExactly("http://127.0.0.1:7777", "http://10.1.2.3:7777", "http://192.168.0.7:7777");
        }
        assertThat(DaemonCommand.urls("http", InetAddress.getByName("::1"), 7777, interfaces))
                .containsExactly("http://[::1]:7777");
        assertThat(DaemonCommand.urls("https", InetAddress.getByName("10.1.2.3"), 7777, interfaces))
                .containsExactly("https://10.1.2.3:7777");
    }
}
