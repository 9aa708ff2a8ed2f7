package io.vmo.daemon.store;

import io.vmo.daemon.web.BrowserSessions;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The browser sign-ins' tables, {@code browser_logins} and {@code browser_sessions}: hashes and expiries. */
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
                    expiries(h, "select token_hash, expires_at from browser_logins"),
                    expiries(h, "select session_hash, expires_at from browser_sessions"));
        });
    }

    private static Map<String, Instant> expiries(Handle h, String sql) {
        Map<String, Instant> byHash = new HashMap<>();
        h.createQuery(sql)
                .map((rs, ctx) -> Map.entry(
                        rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()))
                .forEach(e -> byHash.put(e.getKey(), e.getValue()));
        return byHash;
    }

    @Override
    public void saveLink(String tokenHash, Instant expiresAt) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into browser_logins (token_hash, expires_at) values (:hash, :expires)
                        on conflict (token_hash) do nothing
                        """)
                .bind("hash", tokenHash)
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
    public void saveSession(String sessionHash, Instant createdAt, Instant expiresAt) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into browser_sessions (session_hash, created_at, expires_at)
                        values (:hash, :created, :expires)
                        on conflict (session_hash) do nothing
                        """)
                .bind("hash", sessionHash)
                .bind("created", createdAt.atOffset(ZoneOffset.UTC))
                .bind("expires", expiresAt.atOffset(ZoneOffset.UTC))
                .execute());
    }
}
