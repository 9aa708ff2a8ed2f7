package io.vmo.daemon.store;

import io.vmo.daemon.audit.AuditEntry;
import io.vmo.daemon.audit.AuditRow;
import io.vmo.daemon.audit.AuditStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The audit trail's tables, {@code audit_events} and its one head row {@code audit_head} (sql/V8__audit.sql). */
public final class AuditEventStore implements AuditStore {

    private static final String COLUMNS = "seq, at, action, user_name, client, peer, subject, outcome, detail, mac";

    private final Jdbi jdbi;

    public AuditEventStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Head append(Function<Head, List<AuditRow>> chain) {
        return jdbi.inTransaction(h -> insert(h, lockHead(h), chain));
    }

    @Override
    public Head prune(Instant before, Function<Head, List<AuditRow>> chain) {
        return jdbi.inTransaction(h -> {
            Head head = lockHead(h);
            var last = h.createQuery("select seq, mac from audit_events where seq = (select max(seq) from audit_events"
                            + " where at < :before and seq > :pruned)")
                    .bind("before", before.atOffset(ZoneOffset.UTC))
                    .bind("pruned", head.prunedSeq())
                    .map((rs, ctx) -> new AuditRow(rs.getLong(1), null, null, rs.getBytes(2)))
                    .findOne();
            if (last.isEmpty()) {
                return head;
            }
            AuditRow anchor = last.get();
            h.createUpdate("update audit_head set pruned_seq = :seq, pruned_mac = :mac where id = 1")
                    .bind("seq", anchor.seq())
                    .bind("mac", anchor.mac())
                    .execute();
            // The trigger lets this one DELETE through: rows up to the anchor, in a transaction that says it prunes.
            h.execute("set local vmo.audit_prune = 'on'");
            h.createUpdate("delete from audit_events where seq <= :seq")
                    .bind("seq", anchor.seq())
                    .execute();
            h.execute("set local vmo.audit_prune = 'off'");
            return insert(h, new Head(head.chain(), head.seq(), head.mac(), anchor.seq(), anchor.mac()), chain);
        });
    }

    private static Head lockHead(Handle h) {
        return h.createQuery("select chain, seq, mac, pruned_seq, pruned_mac from audit_head where id = 1 for update")
                .map((rs, ctx) -> head(rs))
                .one();
    }

    private static Head insert(Handle h, Head head, Function<Head, List<AuditRow>> chain) {
        {
            List<AuditRow> rows = chain.apply(head);
            if (rows.isEmpty()) {
                return head;
            }
            PreparedBatch batch = h.prepareBatch("insert into audit_events (" + COLUMNS + ") values (:seq, :at,"
                    + " :action, :user, :client, :peer, :subject, :outcome, :detail, :mac)");
            for (AuditRow row : rows) {
                AuditEntry e = row.entry();
                batch.bind("seq", row.seq())
                        .bind("at", row.at().atOffset(ZoneOffset.UTC))
                        .bind("action", e.action())
                        .bind("user", e.user())
                        .bind("client", e.client())
                        .bind("peer", e.peer())
                        .bind("subject", e.subject())
                        .bind("outcome", e.outcome())
                        .bind("detail", e.detail())
                        .bind("mac", row.mac())
                        .add();
            }
            batch.execute();
            AuditRow last = rows.getLast();
            h.createUpdate("update audit_head set seq = :seq, mac = :mac where id = 1")
                    .bind("seq", last.seq())
                    .bind("mac", last.mac())
                    .execute();
            return new Head(head.chain(), last.seq(), last.mac(), head.prunedSeq(), head.prunedMac());
        }
    }

    @Override
    public Head head() {
        return jdbi.withHandle(
                h -> h.createQuery("select chain, seq, mac, pruned_seq, pruned_mac from audit_head where id = 1")
                        .map((rs, ctx) -> head(rs))
                        .one());
    }

    @Override
    public List<AuditRow> rowsAfter(long afterSeq, int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select " + COLUMNS + " from audit_events where seq > :after order by seq limit :limit")
                .bind("after", afterSeq)
                .bind("limit", limit)
                .map((rs, ctx) -> row(rs))
                .list());
    }

    @Override
    public List<AuditRow> list(Instant since, String user, int limit) {
        return jdbi.withHandle(h -> {
            List<AuditRow> newestFirst = new ArrayList<>(h.createQuery("select " + COLUMNS + " from audit_events"
                            + " where (cast(:since as timestamptz) is null or at >= :since)"
                            + " and (cast(:user as text) is null or user_name = :user)"
                            + " order by seq desc limit :limit")
                    .bind("since", since == null ? null : since.atOffset(ZoneOffset.UTC))
                    .bind("user", user)
                    .bind("limit", limit)
                    .map((rs, ctx) -> row(rs))
                    .list());
            return newestFirst.reversed();
        });
    }

    private static Head head(ResultSet rs) throws SQLException {
        return new Head(rs.getObject(1, UUID.class), rs.getLong(2), rs.getBytes(3), rs.getLong(4), rs.getBytes(5));
    }

    private static AuditRow row(ResultSet rs) throws SQLException {
        return new AuditRow(
                rs.getLong(1),
                rs.getObject(2, OffsetDateTime.class).toInstant(),
                new AuditEntry(
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9)),
                rs.getBytes(10));
    }
}
