package io.vmo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DaemonAddressTest {

    @Test
    void plainOrHttpsWithTheirPorts() {
        var plain = DaemonAddress.parse("127.0.0.1:7777");
        assertThat(plain.secure()).isFalse();
        assertThat(plain.url()).isEqualTo("http://127.0.0.1:7777");
        var tls = DaemonAddress.parse("https://Build-Box:7777/");
        assertThat(tls.secure()).isTrue();
        assertThat(tls.host()).isEqualTo("Build-Box");
        assertThat(tls.authority()).isEqualTo("Build-Box:7777");
        assertThat(tls.pinKey()).isEqualTo("build-box:7777");
        assertThat(DaemonAddress.parse("https://vmo.example").port()).isEqualTo(443);
        var v6 = DaemonAddress.parse("https://[::1]:7777");
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.pinKey()).isEqualTo("[::1]:7777");
        assertThat(v6.url()).isEqualTo("https://[::1]:7777");
    }

    @Test
    void anythingElseSaysWhatAnAddressIs() {
        for (String bad : new String[] {"localhost", "x:y", "https://h:7777/ws", "ftp://h:1"}) {
            assertThatThrownBy(() -> DaemonAddress.parse(bad))
                    .as(bad)
                    .hasMessageContaining("is not [https://]HOST:PORT");
        }
    }
}
