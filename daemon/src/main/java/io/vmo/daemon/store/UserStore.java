package io.vmo.daemon.store;

import io.vmo.daemon.access.UserDirectory;
import io.vmo.protocol.Role;
import io.vmo.protocol.UserInfo;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/** The {@code users} table: names, roles, token hashes, when added and revoked. */
public final class UserStore implements UserDirectory.Store {

    private final Jdbi jdbi;

    public UserStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public List<UserDirectory.Account> load() {
        return with(h -> h.createQuery("""
                        select name, role, token_hash, created_at, created_by, revoked_at from users
                        """)
                .map((rs, ctx) -> {
                    OffsetDateTime revoked = rs.getObject("revoked_at", OffsetDateTime.class);
                    return new UserDirectory.Account(
                            new UserInfo(
                                    rs.getString("name"),
                                    Role.fromWire(rs.getString("role")),
                                    rs.getObject("created_at", OffsetDateTime.class)
                                            .toInstant(),
                                    rs.getString("created_by"),
                                    revoked == null ? null : revoked.toInstant()),
                            rs.getString("token_hash"));
                })
                .list());
    }

    @Override
    public void insert(UserDirectory.Account account) {
        UserInfo user = account.info();
        with(h -> h.createUpdate("""
                        insert into users (name, role, token_hash, created_at, created_by)
                        values (:name, :role, :hash, :created, :by)
                        """)
                .bind("name", user.name())
                .bind("role", user.role().wireName())
                .bind("hash", account.tokenHash())
                .bind("created", user.createdAt().atOffset(ZoneOffset.UTC))
                .bind("by", user.createdBy())
                .execute());
    }

    @Override
    public void revoke(String name, Instant at) {
        with(h -> h.createUpdate("update users set revoked_at = :at where name = :name and revoked_at is null")
                .bind("name", name)
                .bind("at", at.atOffset(ZoneOffset.UTC))
                .execute());
    }

    private <T> T with(HandleCallback<T, RuntimeException> callback) {
        try {
            return jdbi.withHandle(callback);
        } catch (JdbiException e) {
            throw new StoreException(
                    "the user store is unavailable: " + StoreProblem.describe(e)
                            + "; nothing was changed: try again shortly",
                    e);
        }
    }
}
