package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class BrowserSessionsTest {

    final TestClock clock = new TestClock();
    final BrowserSessions sessions = new BrowserSessions(clock);

    @Test
    void aLoginTokenIsRedeemedOnceForASession() {
        String token = sessions.newLoginToken();
        String session = sessions.redeem(token).sessionId();
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

    /** What PostgreSQL would keep, as the daemon hands it over (SignInStore is tested against the real one). */
    static class KeptInMemory implements BrowserSessions.Store {
        final Map<String, BrowserSessions.Grant> links = new ConcurrentHashMap<>();
        final Map<String, BrowserSessions.Grant> sessions = new ConcurrentHashMap<>();

        @Override
        public BrowserSessions.Saved load(Instant now) {
            links.values().removeIf(e -> !e.expiresAt().isAfter(now));
            sessions.values().removeIf(e -> !e.expiresAt().isAfter(now));
            return new BrowserSessions.Saved(Map.copyOf(links), Map.copyOf(sessions));
        }

        @Override
        public void saveLink(String tokenHash, String user, Instant expiresAt) {
            links.put(tokenHash, new BrowserSessions.Grant(user, expiresAt));
        }

        @Override
        public void deleteLink(String tokenHash) {
            links.remove(tokenHash);
        }

        @Override
        public void saveSession(String sessionHash, String user, Instant createdAt, Instant expiresAt) {
            sessions.put(sessionHash, new BrowserSessions.Grant(user, expiresAt));
        }

        @Override
        public void deleteAllOf(String user) {
            links.values().removeIf(g -> g.user().equals(user));
            sessions.values().removeIf(g -> g.user().equals(user));
        }
    }

    @Test
    void aLinkSignsInItsUserAndRevokingEndsOnlyThatUsersSessions() {
        KeptInMemory store = new KeptInMemory();
        BrowserSessions users = new BrowserSessions(clock, store);
        String alice = users.redeem(users.newLoginToken("alice")).sessionId();
        String bob = users.redeem(users.newLoginToken("bob")).sessionId();
        String aliceLink = users.newLoginToken("alice");
        assertThat(users.sessionUser(alice)).contains("alice");
        assertThat(users.sessionUser(bob)).contains("bob");

        assertThat(users.endSessionsOf("alice")).isEqualTo(1);
        assertThat(users.sessionUser(alice)).isEmpty();
        assertThat(users.redeem(aliceLink))
                .as("an unused link of a revoked user")
                .isNull();
        assertThat(users.sessionUser(bob)).contains("bob");
        users.close();
        assertThat(new BrowserSessions(clock, store).sessionUser(alice))
                .as("ended in the store too")
                .isEmpty();
    }

    @Test
    void signInsOutliveTheDaemonButALinkStillWorksOnlyOnce() {
        KeptInMemory store = new KeptInMemory();
        BrowserSessions before = new BrowserSessions(clock, store);
        String used = before.newLoginToken();
        String unused = before.newLoginToken();
        BrowserSessions.SignIn signIn = before.redeem(used);
        signIn.kept().join();
        before.close();
        assertThat(store.links).hasSize(1);
        assertThat(String.join("", store.links.keySet()) + store.sessions.keySet())
                .as("only hashes are kept")
                .doesNotContain(used)
                .doesNotContain(unused)
                .doesNotContain(signIn.sessionId());

        BrowserSessions after = new BrowserSessions(clock, store);
        assertThat(after.isSession(signIn.sessionId())).isTrue();
        assertThat(after.redeem(used)).isNull();
        assertThat(after.redeem(unused)).isNotNull();
        assertThat(after.redeem(unused)).isNull();
    }

    @Test
    void sessionsExpire() {
        String session = sessions.redeem(sessions.newLoginToken()).sessionId();
        clock.advance(BrowserSessions.SESSION_LIFETIME.minusSeconds(1));
        assertThat(sessions.isSession(session)).isTrue();
        clock.advance(java.time.Duration.ofSeconds(2));
        assertThat(sessions.isSession(session)).isFalse();
    }

    @Test
    void aStoreThatFailsCostsTheSignInOnlyItsSurvival() {
        BrowserSessions failing = new BrowserSessions(clock, new KeptInMemory() {
            @Override
            public void saveSession(String sessionHash, String user, Instant createdAt, Instant expiresAt) {
                throw new IllegalStateException("PostgreSQL is down");
            }
        });
        BrowserSessions.SignIn signIn = failing.redeem(failing.newLoginToken());
        signIn.kept().join(); // completes: the browser gets its cookie
        assertThat(failing.isSession(signIn.sessionId())).isTrue();
        failing.close();
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
