package io.vmo.daemon.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a browser gets in without ever seeing the daemon's token: the daemon prints a login link holding a one-time
 * token (as Jupyter does); {@code GET /login?token=…} redeems it for a session id, which lives only in an HttpOnly,
 * SameSite=Strict cookie. Both live in memory: a restarted daemon asks for a new link ({@code vmo ui}).
 * Secrets are kept as SHA-256 hashes, so a lookup's timing says nothing about a guess.
 */
public final class BrowserSessions {

    /** An unused link stops working after this; {@code vmo ui} prints a fresh one. */
    static final Duration LINK_LIFETIME = Duration.ofHours(12);

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final ConcurrentHashMap<String, Instant> links = new ConcurrentHashMap<>();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();

    public BrowserSessions(Clock clock) {
        this.clock = clock;
    }

    /** A new one-time login token, valid for {@link #LINK_LIFETIME}. */
    public String newLoginToken() {
        String token = randomToken();
        Instant now = clock.instant();
        links.values().removeIf(expiry -> expiry.isBefore(now));
        links.put(hash(token), now.plus(LINK_LIFETIME));
        return token;
    }

    /** Redeems a login token (once): the new session's id, or null if the token is unknown, used or expired. */
    String redeem(String loginToken) {
        if (loginToken == null) {
            return null;
        }
        Instant expiry = links.remove(hash(loginToken));
        if (expiry == null || expiry.isBefore(clock.instant())) {
            return null;
        }
        String session = randomToken();
        sessions.add(hash(session));
        return session;
    }

    boolean isSession(String sessionId) {
        return sessionId != null && sessions.contains(hash(sessionId));
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String hash(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
