package io.vmo.daemon.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * The audit tables in memory. {@link #append} holds the store's lock for the whole transaction, as the head row's
 * {@code select … for update} does; {@link #down} makes every call fail, as a store outage does; the fields are
 * open to tests, as plain SQL with triggers off would be.
 */
final class FakeAuditStore implements AuditStore {

    final TreeMap<Long, AuditRow> rows = new TreeMap<>();
    Head head = new Head(UUID.randomUUID(), 0, AuditChain.GENESIS, 0, AuditChain.GENESIS);
    volatile boolean down;
    int appends;

    @Override
    public synchronized Head append(Function<Head, List<AuditRow>> chain) throws Exception {
        check();
        List<AuditRow> added = chain.apply(head);
        for (AuditRow row : added) {
            if (rows.putIfAbsent(row.seq(), row) != null) {
                throw new IllegalStateException("duplicate key seq " + row.seq()); // the primary key
            }
        }
        appends++;
        if (!added.isEmpty()) {
            AuditRow last = added.getLast();
            head = new Head(head.chain(), last.seq(), last.mac(), head.prunedSeq(), head.prunedMac());
        }
        return head;
    }

    @Override
    public synchronized Head prune(Instant before, Function<Head, List<AuditRow>> chain) throws Exception {
        check();
        AuditRow last = rows.values().stream()
                .filter(r -> r.at().isBefore(before))
                .reduce((a, b) -> b)
                .orElse(null);
        if (last == null) {
            return head;
        }
        rows.headMap(last.seq(), true).clear();
        head = new Head(head.chain(), head.seq(), head.mac(), last.seq(), last.mac());
        return append(chain);
    }

    @Override
    public synchronized Head head() {
        check();
        return head;
    }

    @Override
    public synchronized List<AuditRow> rowsAfter(long afterSeq, int limit) {
        check();
        return rows.tailMap(afterSeq, false).values().stream().limit(limit).toList();
    }

    @Override
    public synchronized List<AuditRow> list(Instant since, String user, int limit) {
        check();
        List<AuditRow> matching = new ArrayList<>(rows.values().stream()
                .filter(r -> since == null || !r.at().isBefore(since))
                .filter(r -> user == null || user.equals(r.entry().user()))
                .toList());
        return matching.subList(Math.max(0, matching.size() - limit), matching.size());
    }

    /** Replaces a row's entry, keeping its seq, time and MAC: an UPDATE behind the trigger's back. */
    synchronized void edit(long seq, AuditEntry entry) {
        AuditRow row = rows.get(seq);
        rows.put(seq, new AuditRow(seq, row.at(), entry, row.mac()));
    }

    private void check() {
        if (down) {
            throw new IllegalStateException("Connection to 127.0.0.1:5432 refused");
        }
    }
}
