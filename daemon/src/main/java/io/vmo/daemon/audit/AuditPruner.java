package io.vmo.daemon.audit;

/**
 * The audit trail's own retention (default {@link #DEFAULT_DAYS} days; only the daemon's configuration changes
 * it). Pruning removes a prefix of the chain and leaves an anchor — the last pruned row's seq and MAC, in the head
 * row — from which the remaining rows verify; the pruning itself is a row of the trail ({@link #ACTION}, subject
 * {@code through seq N}, the anchor's MAC in its detail), so an anchor moved through SQL is told from a real prune.
 */
public final class AuditPruner {

    public static final String ACTION = "audit.prune";
    public static final int DEFAULT_DAYS = 365;

    private AuditPruner() {}

    /** The subject of the prune row that leaves the anchor at {@code seq}. */
    static String subject(long seq) {
        return "through seq " + seq;
    }
}
