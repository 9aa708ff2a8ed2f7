package io.vmo.protocol;

import java.util.Locale;

/**
 * What a user may do, each role including the ones before it: a {@code viewer} reads jobs, their output and the
 * catalog; an {@code operator} also runs, cancels, attaches to and types into jobs; an {@code admin} also manages
 * users, makes login links for others, and changes the daemon's settings. The token file's holder is the user
 * {@code owner}, an admin.
 */
public enum Role implements WireName {
    VIEWER,
    OPERATOR,
    ADMIN;

    /** Whether this role may do what {@code needed} may. */
    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    @Override
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A role by its wire name, or an {@link IllegalArgumentException} that lists the roles. */
    public static Role fromWire(String name) {
        for (Role role : values()) {
            if (role.wireName().equals(name)) {
                return role;
            }
        }
        throw new IllegalArgumentException("no role \"" + name + "\"; roles are viewer, operator and admin");
    }
}
