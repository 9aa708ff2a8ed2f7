package io.vmo.daemon.audit;

/**
 * Where every part of the daemon reports what it did or refused, one {@link AuditEntry} per action. Never blocks
 * and never throws: it is called on Netty's event loops too, and while the store is down.
 */
public interface AuditTrail {

    void record(AuditEntry entry);

    /** Records nothing (unit tests of other parts). */
    AuditTrail NONE = entry -> {};
}
