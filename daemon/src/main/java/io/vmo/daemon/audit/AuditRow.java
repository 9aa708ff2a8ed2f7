package io.vmo.daemon.audit;

import io.vmo.protocol.AuditEvent;
import java.time.Instant;

/** A row of the audit trail as stored: its place in the chain, when, what, and its MAC. */
public record AuditRow(long seq, Instant at, AuditEntry entry, byte[] mac) {

    public AuditEvent toEvent() {
        return new AuditEvent(
                seq,
                at,
                entry.action(),
                entry.user(),
                entry.client(),
                entry.peer(),
                entry.subject(),
                entry.outcome(),
                entry.detail());
    }
}
