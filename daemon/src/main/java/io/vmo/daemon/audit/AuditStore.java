package io.vmo.daemon.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * What the audit trail needs of the store ({@code store.AuditEventStore} in production, a fake in unit tests).
 * Calls may block and throw while the store is down.
 */
public interface AuditStore {

    /**
     * The chain's one head: its identity ({@code chain}, part of every MAC, so rows cannot be moved between
     * databases), the last row's seq and MAC, and the anchor left by pruning: the seq and MAC of the last row
     * pruned (0 and zeros when none was), from which the remaining rows chain on.
     */
    record Head(UUID chain, long seq, byte[] mac, long prunedSeq, byte[] prunedMac) {}

    /**
     * In one transaction: takes the head with a row lock ({@code select … for update}, so no other writer can
     * chain from the same head), asks {@code chain} for the rows that follow it, inserts them and moves the head
     * to the last. Returns the new head.
     */
    Head append(Function<Head, List<AuditRow>> chain) throws Exception;

    /**
     * As {@link #append}, after pruning: in the same transaction, under the same lock, the rows up to the last
     * recorded before {@code before} are deleted and the head's anchor moved to that row (its seq and MAC), then
     * {@code chain} is asked for the rows that follow — given the head with its new anchor — and they are
     * appended. When no row is old enough nothing is deleted and {@code chain} is not asked.
     */
    Head prune(Instant before, Function<Head, List<AuditRow>> chain) throws Exception;

    /** The head as it is now, without a lock. */
    Head head();

    /** Up to {@code limit} rows with {@code seq > afterSeq}, in seq order: for verification. */
    List<AuditRow> rowsAfter(long afterSeq, int limit);

    /** The newest {@code limit} rows at or after {@code since} (null: any), of {@code user} (null: any), oldest first. */
    List<AuditRow> list(Instant since, String user, int limit);
}
