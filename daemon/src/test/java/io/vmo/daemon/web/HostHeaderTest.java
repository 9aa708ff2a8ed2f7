package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import org.junit.jupiter.api.Test;

class HostHeaderTest {

    @Test
    void readsHostAndPort() {
        assertThat(HostHeader.parse("localhost:7777")).isEqualTo(new HostHeader("localhost", 7777));
        assertThat(HostHeader.parse("LocalHost")).isEqualTo(new HostHeader("localhost", -1));
        assertThat(HostHeader.parse("[::1]:7777")).isEqualTo(new HostHeader("[::1]", 7777));
        assertThat(HostHeader.parse("[::1]").text()).isEqualTo("[::1]");
        assertThat(HostHeader.parse("127.0.0.1.evil.example:7777").host()).isEqualTo("127.0.0.1.evil.example");
        assertThat(HostHeader.parse(""))
                .as("valid, names no host: refused later as not ours")
                .isEqualTo(new HostHeader("", -1));
    }

    @Test
    void anythingButExactlyHostAndPortIsABadRequest() {
        for (String value : new String[] {
            "127.0.0.1:7777 evil.example",
            "127.0.0.1:7777,evil.example:80",
            "127.0.0.1:7777:80",
            "127.0.0.1:",
            "127.0.0.1:99999",
            "127.0.0.1:+80",
            "[::1",
            "[::1]x",
            "[1.2.3.4]",
            "[fe80::1%25eth0]",
            "user@127.0.0.1",
            "127.0.0.1/path",
            "127.0.0.1\t",
            "évil"
        }) {
            assertThatThrownBy(() -> HostHeader.parse(value))
                    .as(value)
                    .isInstanceOfSatisfying(
                            VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
    }

    @Test
    void aRequestCarriesExactlyOneHostHeader() {
        HttpHeaders two = new DefaultHttpHeaders().add("Host", "127.0.0.1:7777").add("Host", "evil.example");
        assertThatThrownBy(() -> HostHeader.of(two)).hasMessageContaining("2 Host headers");
        assertThatThrownBy(() -> HostHeader.of(new DefaultHttpHeaders())).hasMessageContaining("no Host header");
        assertThat(HostHeader.of(new DefaultHttpHeaders().add("Host", "localhost:1"))
                        .port())
                .isEqualTo(1);
    }
}
