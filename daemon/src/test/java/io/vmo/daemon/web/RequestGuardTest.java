package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestGuardTest {

    @Test
    void hostNameDropsThePort() {
        assertThat(RequestGuard.hostName("localhost:7777")).isEqualTo("localhost");
        assertThat(RequestGuard.hostName("LocalHost")).isEqualTo("localhost");
        assertThat(RequestGuard.hostName("[::1]:7777")).isEqualTo("[::1]");
        assertThat(RequestGuard.hostName("[::1]")).isEqualTo("[::1]");
        assertThat(RequestGuard.hostName("127.0.0.1.evil.example:7777")).isEqualTo("127.0.0.1.evil.example");
    }
}
