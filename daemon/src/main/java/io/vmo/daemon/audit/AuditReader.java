package io.vmo.daemon.audit;

import io.vmo.daemon.audit.AuditHeadFile.KeptHead;
import io.vmo.protocol.AuditEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/** Reads the audit trail back: listings, and verification of its chain ({@link #verify}). */
public final class AuditReader {

    /** Rows read per query while verifying. */
    static final int PAGE = 1000;

    private static final String ADVICE = "the audit trail was changed outside the daemon (through SQL, or a backup"
            + " restored): keep a copy of the database as it is now (pg_dump) and of audit.head for investigation,"
            + " and compare with a backup; rows before seq %d are intact";

    /**
     * What verification found: {@code rows} checked, from {@code firstSeq} to {@code lastSeq}; {@code headSeq} is
     * the head kept outside the database (0 when none yet). When not {@code ok}, {@code badSeq} is the first row
     * that is wrong, {@code problem} what, {@code advice} what to do.
     */
    public record Verdict(
            boolean ok,
            long rows,
            long firstSeq,
            long lastSeq,
            long headSeq,
            Long badSeq,
            String problem,
            String advice) {}

    private final AuditStore store;
    private final AuditChain chain;
    private final Supplier<KeptHead> kept;

    /** {@code kept}: the head the writer last committed, kept outside the database. */
    public AuditReader(AuditStore store, AuditChain chain, Supplier<KeptHead> kept) {
        this.store = store;
        this.chain = chain;
        this.kept = kept;
    }

    public List<AuditEvent> list(Instant since, String user, int limit) {
        return store.list(since, user, limit).stream().map(AuditRow::toEvent).toList();
    }

    /**
     * Walks the chain from the pruning anchor (the start, if nothing was pruned) and recomputes every row's MAC
     * from the previous row's: a row whose contents changed fails its own MAC; a row deleted from the middle is a
     * gap in the seqs (the next row's MAC would fail too, since it chains from the deleted one); rows deleted from
     * the end are caught by the heads — the database's own head row, and the one kept outside it (audit.head).
     * Stops at the first bad row. A prefix is deleted legitimately only by pruning, which the trail itself records
     * (an {@code audit.prune} row naming the anchor).
     */
    public Verdict verify() {
        KeptHead outside = kept.get(); // first: rows written after it are checked by the chain alone
        AuditStore.Head head = store.head();
        long headSeq = outside == null ? 0 : outside.seq();
        long previousSeq = head.prunedSeq();
        byte[] previous = head.prunedMac();
        long firstSeq = previousSeq + 1;
        long rows = 0;
        AuditRow lastPrune = null;
        for (List<AuditRow> page = store.rowsAfter(previousSeq, PAGE);
                !page.isEmpty();
                page = store.rowsAfter(previousSeq, PAGE)) {
            for (AuditRow row : page) {
                if (row.seq() != previousSeq + 1) {
                    long missing = previousSeq + 1;
                    return bad(
                            rows,
                            firstSeq,
                            previousSeq,
                            headSeq,
                            missing,
                            (row.seq() - 1 == missing
                                            ? "row " + missing + " is missing"
                                            : "rows " + missing + " to " + (row.seq() - 1) + " are missing")
                                    + ": deleted from the middle of the trail (the next row is seq " + row.seq()
                                    + ")");
                }
                byte[] expected = chain.mac(head.chain(), previous, row.seq(), row.at(), row.entry());
                if (!Arrays.equals(expected, row.mac())) {
                    return bad(
                            rows,
                            firstSeq,
                            previousSeq,
                            headSeq,
                            row.seq(),
                            "row " + row.seq() + " (" + row.at() + ", "
                                    + row.entry().action()
                                    + ") was altered after it was written: its MAC does not match its contents");
                }
                if (outside != null
                        && outside.chain().equals(head.chain())
                        && row.seq() == outside.seq()
                        && !Arrays.equals(row.mac(), outside.mac())) {
                    return bad(
                            rows,
                            firstSeq,
                            previousSeq,
                            headSeq,
                            row.seq(),
                            "row " + row.seq() + " is not the row the daemon wrote there (audit.head, kept outside"
                                    + " the database, has another MAC for it): the trail was rewritten from there");
                }
                if (row.entry().action().equals(AuditPruner.ACTION)) {
                    lastPrune = row;
                }
                rows++;
                previousSeq = row.seq();
                previous = row.mac();
            }
        }
        if (head.seq() > previousSeq) {
            return bad(
                    rows,
                    firstSeq,
                    previousSeq,
                    headSeq,
                    previousSeq + 1,
                    tail(
                            previousSeq,
                            head.seq(),
                            "the database's own head row says the trail reaches seq " + head.seq()));
        }
        if (outside != null && outside.chain().equals(head.chain()) && outside.seq() > previousSeq) {
            return bad(
                    rows,
                    firstSeq,
                    previousSeq,
                    headSeq,
                    previousSeq + 1,
                    tail(
                            previousSeq,
                            outside.seq(),
                            "the head the daemon keeps outside the database (audit.head) says it wrote up to seq "
                                    + outside.seq()));
        }
        if (outside != null && !outside.chain().equals(head.chain())) {
            return bad(
                    rows,
                    firstSeq,
                    previousSeq,
                    headSeq,
                    firstSeq,
                    "the head kept outside the database (audit.head) belongs to another trail (chain " + outside.chain()
                            + ") than this database's (chain " + head.chain() + ")");
        }
        if (head.prunedSeq() > 0 && !accounts(lastPrune, head)) {
            return bad(
                    rows,
                    firstSeq,
                    previousSeq,
                    headSeq,
                    head.prunedSeq(),
                    "the trail starts after seq " + head.prunedSeq() + ", but no " + AuditPruner.ACTION
                            + " row in it says it was pruned there: rows up to seq " + head.prunedSeq()
                            + " were deleted outside the daemon");
        }
        return new Verdict(true, rows, firstSeq, previousSeq, headSeq, null, null, null);
    }

    /** Whether the latest prune row names the anchor the head holds. */
    private static boolean accounts(AuditRow prune, AuditStore.Head head) {
        return prune != null
                && AuditPruner.subject(head.prunedSeq()).equals(prune.entry().subject())
                && prune.entry().detail() != null
                && prune.entry().detail().contains(HexFormat.of().formatHex(head.prunedMac()));
    }

    private static String tail(long last, long claimed, String why) {
        return (claimed == last + 1 ? "row " + claimed + " was" : "rows " + (last + 1) + " to " + claimed + " were")
                + " deleted from the end of the trail: " + why + ", the last row left is seq " + last;
    }

    private static Verdict bad(long rows, long firstSeq, long lastGood, long headSeq, long badSeq, String problem) {
        return new Verdict(false, rows, firstSeq, lastGood, headSeq, badSeq, problem, ADVICE.formatted(badSeq));
    }
}
