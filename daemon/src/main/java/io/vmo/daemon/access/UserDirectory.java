package io.vmo.daemon.access;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.Role;
import io.vmo.protocol.UserInfo;
import io.vmo.protocol.Users;
import io.vmo.protocol.VmoException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users besides the owner, with their roles and the hashes of their personal tokens. Lookups (on every request,
 * on the event loops) are answered from memory, loaded at start; adding and revoking write to the {@link Store}
 * first (on a request's virtual thread), so what is in memory is always kept.
 */
public final class UserDirectory {

    /** A user as kept: its public part and its token's hash. */
    public record Account(UserInfo info, String tokenHash) {
        public boolean revoked() {
            return info.revokedAt() != null;
        }
    }

    /** Where users are kept (PostgreSQL, {@code users}). Its calls may block; a store that is down throws. */
    public interface Store {
        List<Account> load();

        void insert(Account account);

        void revoke(String name, Instant at);
    }

    /** A new user and its token, which exists nowhere else: shown once. */
    public record Added(UserInfo user, String token) {}

    private final Clock clock;
    private final Store store;
    private final ConcurrentHashMap<String, Account> byName = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Account> byTokenHash = new ConcurrentHashMap<>();

    /** Starts with what the store keeps (may block: call it before serving). */
    public UserDirectory(Clock clock, Store store) {
        this.clock = clock;
        this.store = store;
        store.load().forEach(this::remember);
    }

    /** The account a personal token belongs to, revoked or not; empty for any other text. Never blocks. */
    public Optional<Account> byToken(String token) {
        return token == null ? Optional.empty() : Optional.ofNullable(byTokenHash.get(Secrets.hash(token)));
    }

    /** Whether a user may still do anything: the owner always; anyone else until revoked. Never blocks. */
    public boolean isActive(String name) {
        if (Users.OWNER.equals(name)) {
            return true;
        }
        Account account = byName.get(name);
        return account != null && !account.revoked();
    }

    /** The role of a user who may still sign in, else empty. */
    public Optional<Role> activeRole(String name) {
        if (Users.OWNER.equals(name)) {
            return Optional.of(Role.ADMIN);
        }
        Account account = byName.get(name);
        return account == null || account.revoked()
                ? Optional.empty()
                : Optional.of(account.info().role());
    }

    /** Every user, in the order they were added. */
    public List<UserInfo> list() {
        return byName.values().stream()
                .map(Account::info)
                .sorted(Comparator.comparing(UserInfo::createdAt).thenComparing(UserInfo::name))
                .toList();
    }

    /** Adds a user with a fresh token. Names are never reused: jobs name their user, and must keep meaning one. */
    public synchronized Added add(String name, Role role, String addedBy) {
        if (Users.OWNER.equals(name)) {
            throw new VmoException(
                    ErrorCode.INVALID_ARGUMENT,
                    "\"owner\" is the token file's holder and cannot be added; choose another name");
        }
        Account existing = byName.get(name);
        if (existing != null) {
            throw new VmoException(
                    ErrorCode.INVALID_ARGUMENT,
                    existing.revoked()
                            ? "user " + name + " was revoked; a name is never given again (jobs keep naming it):"
                                    + " choose another"
                            : "user " + name + " exists already (role "
                                    + existing.info().role().wireName() + "); `vmo users list` shows them");
        }
        String token = Secrets.newToken();
        Account account = new Account(
                new UserInfo(name, role, clock.instant().truncatedTo(ChronoUnit.MICROS), addedBy, null),
                Secrets.hash(token));
        store.insert(account);
        remember(account);
        return new Added(account.info(), token);
    }

    /**
     * Revokes a user: its token is refused from now on, on connections already open too (each request asks
     * {@link #isActive}). Revoking a revoked user again changes nothing.
     */
    public synchronized UserInfo revoke(String name) {
        if (Users.OWNER.equals(name)) {
            throw new VmoException(
                    ErrorCode.INVALID_ARGUMENT,
                    "the owner is the token file's holder and cannot be revoked; to replace its token, stop the"
                            + " daemon, delete the token file and start it again");
        }
        Account account = byName.get(name);
        if (account == null) {
            throw new VmoException(ErrorCode.UNKNOWN_USER, "no user " + name + "; `vmo users list` shows them");
        }
        if (!account.revoked()) {
            Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
            store.revoke(name, at);
            UserInfo info = account.info();
            account = new Account(
                    new UserInfo(info.name(), info.role(), info.createdAt(), info.createdBy(), at),
                    account.tokenHash());
            remember(account);
        }
        return account.info();
    }

    private void remember(Account account) {
        byName.put(account.info().name(), account);
        byTokenHash.put(account.tokenHash(), account);
    }
}
