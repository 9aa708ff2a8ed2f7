package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class BrowserSessionsTest {

    final TestClock clock = new TestClock();
    final BrowserSessions sessions = new BrowserSessions(clock);

    @Test
    void aLoginTokenIsRedeemedOnceForASession() {
        String token = sessions.newLoginToken();
        String session = sessions.redeem(token);
        assertThat(session).isNotNull().isNotEqualTo(token);
        assertThat(sessions.isSession(session)).isTrue();
        assertThat(sessions.redeem(token)).isNull();
        assertThat(sessions.isSession(token))
                .as("a login token is not a session")
                .isFalse();
    }

    @Test
    void unknownAndExpiredTokensAreRefused() {
        assertThat(sessions.redeem(null)).isNull();
        assertThat(sessions.redeem("guess")).isNull();
        assertThat(sessions.isSession(null)).isFalse();
        assertThat(sessions.isSession("guess")).isFalse();
        String token = sessions.newLoginToken();
        clock.advance(BrowserSessions.LINK_LIFETIME.plusSeconds(1));
        assertThat(sessions.redeem(token)).isNull();
    }

    @Test
    void tokensAreLongAndDistinct() {
        String a = sessions.newLoginToken();
        assertThat(a).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(sessions.newLoginToken()).isNotEqualTo(a);
    }

    @Test
    void eachDaemonPortHasItsOwnCookie() {
        var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/login");
        request.headers().set("Host", "127.0.0.1:7777");
        assertThat(RequestGuard.sessionCookieName(request)).isEqualTo("vmo-session-7777");
        request.headers().set("Host", "[::1]:7778");
        assertThat(RequestGuard.sessionCookieName(request)).isEqualTo("vmo-session-7778");
        request.headers().set("Host", "localhost");
        assertThat(RequestGuard.sessionCookieName(request)).isEqualTo("vmo-session-80");
    }

    @Test
    void uiPathsAreEverythingButTheSocketTheApiAndHealth() {
        assertThat(WebUi.isUiPath("/")).isTrue();
        assertThat(WebUi.isUiPath("/assets/index-abc.js")).isTrue();
        assertThat(WebUi.isUiPath("/login")).isTrue();
        assertThat(WebUi.isUiPath("/ws")).isFalse();
        assertThat(WebUi.isUiPath("/api/jobs")).isFalse();
        assertThat(WebUi.isUiPath("/api")).isFalse();
        assertThat(WebUi.isUiPath("/healthz")).isFalse();
    }
}
