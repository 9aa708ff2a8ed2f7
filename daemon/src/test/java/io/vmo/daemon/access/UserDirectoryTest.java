package io.vmo.daemon.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.Role;
import io.vmo.protocol.VmoException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserDirectoryTest {

    /** What the users table would keep. */
    static final class Kept implements UserDirectory.Store {
        final List<UserDirectory.Account> rows = new ArrayList<>();

        @Override
        public List<UserDirectory.Account> load() {
            return List.copyOf(rows);
        }

        @Override
        public void insert(UserDirectory.Account account) {
            rows.add(account);
        }

        @Override
        public void revoke(String name, Instant at) {
            rows.replaceAll(a -> a.info().name().equals(name)
                    ? new UserDirectory.Account(
                            new io.vmo.protocol.UserInfo(
                                    name,
                                    a.info().role(),
                                    a.info().createdAt(),
                                    a.info().createdBy(),
                                    at),
                            a.tokenHash())
                    : a);
        }
    }

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void aTokenIsShownOnceAndKeptOnlyAsItsHash() {
        Kept store = new Kept();
        UserDirectory users = new UserDirectory(clock, store);
        UserDirectory.Added added = users.add("alice", Role.OPERATOR, "owner");
        assertThat(added.token()).hasSize(43);
        assertThat(store.rows.getFirst().tokenHash())
                .isNotEqualTo(added.token())
                .hasSize(64);
        assertThat(users.byToken(added.token()).orElseThrow().info().name()).isEqualTo("alice");
        assertThat(users.byToken("guess")).isEmpty();
        assertThat(new UserDirectory(clock, store).byToken(added.token()))
                .as("after a restart")
                .isPresent();
    }

    @Test
    void revokedUsersAreNoLongerActiveAndTheirNamesAreNotReused() {
        UserDirectory users = new UserDirectory(clock, new Kept());
        String token = users.add("bob", Role.VIEWER, "owner").token();
        assertThat(users.isActive("bob")).isTrue();
        assertThat(users.revoke("bob").revokedAt()).isNotNull();
        assertThat(users.isActive("bob")).isFalse();
        assertThat(users.byToken(token).orElseThrow().revoked()).isTrue();
        assertThatThrownBy(() -> users.add("bob", Role.ADMIN, "owner"))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("never given again");
        assertThatThrownBy(() -> users.revoke("nobody"))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_USER));
        assertThatThrownBy(() -> users.revoke("owner")).hasMessageContaining("token file");
        assertThatThrownBy(() -> users.add("owner", Role.ADMIN, "owner")).hasMessageContaining("token file");
        assertThat(users.isActive("owner")).isTrue();
    }
}
