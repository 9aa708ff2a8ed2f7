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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a browser gets in without ever seeing the daemon's token: the daemon prints a login link holding a one-time
 * token (as Jupyter does); {@code GET /login?token=…} redeems it for a session id, which lives only in an HttpOnly,
 * SameSite=Strict cookie. Secrets are kept as SHA-256 hashes, so a lookup's timing says nothing about a guess, and
 * a copy of the database signs no one in.
 *
 * <p>Both outlive the daemon: they are kept in the {@link Store} (PostgreSQL), so a restart keeps every signed-in
 * page working and an unused link still works, once. Lookups are answered from memory, loaded at start: they run
 * on the event loops, which must not wait for the database. Changes go to the store in order on a thread of their
 * own; a new link is stored before it is handed out (a link printed, then lost to a crash, would not work).
 *
 * <p>Each link and session belongs to a user ({@code owner} for the token file's holder); revoking a user ends its
 * sessions and voids its unused links ({@link #endSessionsOf}).
 */
public final class BrowserSessions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BrowserSessions.class);

    /** An unused link stops working after this; {@code vmo ui} prints a fresh one. */
    static final Duration LINK_LIFETIME = Duration.ofHours(12);

    /** A browser signs in again after this (its cookie itself ends with the browser's session). */
    static final Duration SESSION_LIFETIME = Duration.ofDays(30);

    /** How long handing out a link waits for the store before it gives the link anyway (kept in memory). */
    private static final Duration STORE_WAIT = Duration.ofSeconds(5);

    /** Where sign-ins are kept across restarts, by the hashes of their secrets. Its calls may block. */
    public interface Store {

        /** The unexpired login links and sessions, hash → grant; expired ones are dropped. */
        Saved load(Instant now);

        void saveLink(String tokenHash, String user, Instant expiresAt);

        void deleteLink(String tokenHash);

        void saveSession(String sessionHash, String user, Instant createdAt, Instant expiresAt);

        /** Drops a user's sessions and unused links. */
        void deleteAllOf(String user);

        /** Keeps nothing: sign-ins end with the daemon (tests). */
        Store NONE = new Store() {
            @Override
            public Saved load(Instant now) {
                return new Saved(Map.of(), Map.of());
            }

            @Override
            public void saveLink(String tokenHash, String user, Instant expiresAt) {}

            @Override
            public void deleteLink(String tokenHash) {}

            @Override
            public void saveSession(String sessionHash, String user, Instant createdAt, Instant expiresAt) {}

            @Override
            public void deleteAllOf(String user) {}
        };
    }

    /** Whom a link or session signs in, and until when. */
    public record Grant(String user, Instant expiresAt) {}

    /** What the store holds: hash → grant, for links and for sessions. */
    public record Saved(Map<String, Grant> links, Map<String, Grant> sessions) {}

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Store store;
    private final ExecutorService storing = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("vmo-sign-ins").factory());
    private final ConcurrentHashMap<String, Grant> links = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Grant> sessions = new ConcurrentHashMap<>();

    /** Starts with what {@code store} kept (may block: call it before serving). */
    public BrowserSessions(Clock clock, Store store) {
        this.clock = clock;
        this.store = store;
        Saved saved = store.load(clock.instant());
        links.putAll(saved.links());
        sessions.putAll(saved.sessions());
    }

    /** Sign-ins that end with the daemon (tests). */
    BrowserSessions(Clock clock) {
        this(clock, Store.NONE);
    }

    /** A new one-time login token for the owner (the link {@code vmo daemon} prints). */
    public String newLoginToken() {
        return newLoginToken(io.vmo.protocol.Users.OWNER);
    }

    /**
     * A new one-time login token that signs {@code user} in, valid for {@link #LINK_LIFETIME}. May block (briefly)
     * for the store.
     */
    public String newLoginToken(String user) {
        String token = randomToken();
        Instant now = clock.instant();
        links.values().removeIf(grant -> grant.expiresAt().isBefore(now));
        String hash = hash(token);
        Instant expiry = now.plus(LINK_LIFETIME);
        links.put(hash, new Grant(user, expiry));
        try {
            storing.submit(() -> persist("a login link", () -> store.saveLink(hash, user, expiry)))
                    .get(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("a login link is not kept yet ({}): it works until the daemon stops", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return token;
    }

    /**
     * A redeemed link: the new session's id, and when it is kept (answer then: a daemon killed right after the
     * browser got its cookie still knows the session when it is back).
     */
    record SignIn(String sessionId, String user, CompletableFuture<Void> kept) {}

    /** Redeems a login token (once), or null if the token is unknown, used or expired. Never blocks. */
    SignIn redeem(String loginToken) {
        if (loginToken == null) {
            return null;
        }
        String linkHash = hash(loginToken);
        Grant link = links.remove(linkHash);
        if (link == null || link.expiresAt().isBefore(clock.instant())) {
            return null;
        }
        String user = link.user();
        String session = randomToken();
        String sessionHash = hash(session);
        Instant now = clock.instant();
        Instant sessionExpiry = now.plus(SESSION_LIFETIME);
        sessions.put(sessionHash, new Grant(user, sessionExpiry));
        try {
            return new SignIn(
                    session,
                    user,
                    CompletableFuture.runAsync(
                            () -> persist("a sign-in", () -> {
                                store.deleteLink(linkHash);
                                store.saveSession(sessionHash, user, now, sessionExpiry);
                            }),
                            storing));
        } catch (RejectedExecutionException e) { // stopping
            return new SignIn(session, user, CompletableFuture.completedFuture(null));
        }
    }

    boolean isSession(String sessionId) {
        return sessionUser(sessionId).isPresent();
    }

    /** The user a live session signs in, or empty. Never blocks. */
    java.util.Optional<String> sessionUser(String sessionId) {
        if (sessionId == null) {
            return java.util.Optional.empty();
        }
        Grant grant = sessions.get(hash(sessionId));
        return grant != null && clock.instant().isBefore(grant.expiresAt())
                ? java.util.Optional.of(grant.user())
                : java.util.Optional.empty();
    }

    /**
     * Ends a user's browser sessions and voids its unused links (the user was revoked); returns how many sessions
     * ended. Its pages' next request is refused. Stored before it returns, unless the store is down.
     */
    public int endSessionsOf(String user) {
        int[] ended = {0};
        sessions.values().removeIf(grant -> {
            boolean mine = grant.user().equals(user);
            if (mine) {
                ended[0]++;
            }
            return mine;
        });
        links.values().removeIf(grant -> grant.user().equals(user));
        try {
            storing.submit(() -> persist("the end of " + user + "'s sessions", () -> store.deleteAllOf(user)))
                    .get(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.warn("the end of {}'s sessions is not kept yet ({})", user, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ended[0];
    }

    /** Waits (a few seconds at most) for what is being stored. */
    @Override
    public void close() {
        storing.shutdown();
        try {
            if (!storing.awaitTermination(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("sign-ins not stored within {} s of stopping", STORE_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A store that fails (PostgreSQL down) costs the sign-in its survival of a restart, never the sign-in. */
    private static void persist(String what, Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            log.warn("{} is not kept ({}): it works until the daemon stops", what, e.getMessage());
        }
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
