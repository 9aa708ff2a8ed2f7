package io.vmo.daemon.store;

import io.vmo.daemon.web.BrowserSessions;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The browser sign-ins' tables, {@code browser_logins} and {@code browser_sessions}: hashes, users, expiries. */
public final class SignInStore implements BrowserSessions.Store {

    private final Jdbi jdbi;

    public SignInStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public BrowserSessions.Saved load(Instant now) {
        return jdbi.inTransaction(h -> {
            OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
            h.createUpdate("delete from browser_logins where expires_at <= :now")
                    .bind("now", at)
                    .execute();
            h.createUpdate("delete from browser_sessions where expires_at <= :now")
                    .bind("now", at)
                    .execute();
            return new BrowserSessions.Saved(
                    grants(h, "select token_hash, user_name, expires_at from browser_logins"),
                    grants(h, "select session_hash, user_name, expires_at from browser_sessions"));
        });
    }

    private static Map<String, BrowserSessions.Grant> grants(Handle h, String sql) {
        Map<String, BrowserSessions.Grant> byHash = new HashMap<>();
        h.createQuery(sql)
                .map((rs, ctx) -> Map.entry(
                        rs.getString(1),
                        new BrowserSessions.Grant(
                                rs.getString(2),
                                rs.getObject(3, OffsetDateTime.class).toInstant())))
                .forEach(e -> byHash.put(e.getKey(), e.getValue()));
        return byHash;
    }

    @Override
    public void saveLink(String tokenHash, String user, Instant expiresAt) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into browser_logins (token_hash, user_name, expires_at) values (:hash, :user, :expires)
                        on conflict (token_hash) do nothing
                        """)
                .bind("hash", tokenHash)
                .bind("user", user)
                .bind("expires", expiresAt.atOffset(ZoneOffset.UTC))
                .execute());
    }

    @Override
    public void deleteLink(String tokenHash) {
        jdbi.useHandle(h -> h.createUpdate("delete from browser_logins where token_hash = :hash")
                .bind("hash", tokenHash)
                .execute());
    }

    @Override
    public void saveSession(String sessionHash, String user, Instant createdAt, Instant expiresAt) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into browser_sessions (session_hash, user_name, created_at, expires_at)
                        values (:hash, :user, :created, :expires)
                        on conflict (session_hash) do nothing
                        """)
                .bind("hash", sessionHash)
                .bind("user", user)
                .bind("created", createdAt.atOffset(ZoneOffset.UTC))
                .bind("expires", expiresAt.atOffset(ZoneOffset.UTC))
                .execute());
    }

    @Override
    public void deleteAllOf(String user) {
        jdbi.useTransaction(h -> {
            h.createUpdate("delete from browser_sessions where user_name = :user")
                    .bind("user", user)
                    .execute();
            h.createUpdate("delete from browser_logins where user_name = :user")
                    .bind("user", user)
                    .execute();
        });
    }
}
