package io.vmo.protocol;

import java.time.Instant;

/** A user of the daemon: its name, role, when it was added and by whom, and when it was revoked (null if not). */
public record UserInfo(String name, Role role, Instant createdAt, String createdBy, Instant revokedAt) {}
