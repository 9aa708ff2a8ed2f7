package io.vmo.daemon.audit;

import io.vmo.daemon.audit.AuditHeadFile.KeptHead;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's one writer. {@link #record} only queues (it runs on event loops, and must not wait for a
 * store that is down); one thread takes what is queued and appends it in one transaction, chained from the head
 * it locks ({@link AuditStore#append}), then replaces the head kept outside the database ({@link AuditHeadFile}).
 * A failed write is retried with back-off until it succeeds, as {@code EventWriter} does for output: an outage
 * delays audit rows, it does not lose them. The queue is bounded ({@link #MAX_QUEUED}); beyond it entries are
 * counted, not kept, and once the store takes writes again an {@code audit.overflow} row says how many were lost.
 *
 * <p>Why one thread and a locked head row both: the thread makes the daemon's own appends one sequence without
 * any lock on the callers' side; the row lock makes that true against any other writer of the same database too
 * (a second daemon is already kept out by the database's advisory lock, but the head must not rely on that).
 */
public final class AuditWriter implements AuditTrail, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);

    /** Entries held while the store is down: a few MB at most. */
    static final int MAX_QUEUED = 10_000;

    static final int MAX_BATCH = 500;
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(2);
    /** When stopping, what is queued gets this long to be stored. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    /**
     * An entry waiting for the store; or, with {@code prune}, a pruning whose own entry is made once the store
     * says what it removed.
     */
    private record Pending(Instant at, AuditEntry entry, CompletableFuture<Void> written, Prune prune) {
        Pending(Instant at, AuditEntry entry, CompletableFuture<Void> written) {
            this(at, entry, written, null);
        }
    }

    /** Prune the rows recorded before {@code before}; {@code why} says which setting asked for it. */
    private record Prune(Instant before, String why) {}

    private final AuditStore store;
    private final AuditChain chain;
    private final AuditHeadFile headFile;
    private final Clock clock;
    private final ArrayBlockingQueue<Pending> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    private final AtomicLong overflow = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile KeptHead kept;

    /**
     * Starts writing. The head kept in {@code headFile} is read first: if it names another chain (the daemon was
     * pointed at another database), it is moved aside and kept, and said so in the log.
     */
    public AuditWriter(AuditStore store, AuditChain chain, AuditHeadFile headFile, Clock clock) {
        this.store = store;
        this.chain = chain;
        this.headFile = headFile;
        this.clock = clock;
        KeptHead fromFile = headFile.read();
        if (fromFile != null) {
            AuditStore.Head head = store.head();
            if (!fromFile.chain().equals(head.chain())) {
                try {
                    log.warn(
                            "the audit head {} belongs to another database's trail ({}), not this database's ({});"
                                    + " kept as {}",
                            headFile.path(),
                            fromFile.chain(),
                            head.chain(),
                            headFile.moveAside(fromFile.chain()));
                } catch (java.io.IOException e) {
                    log.warn("cannot move the audit head {} aside: {}", headFile.path(), e.toString());
                }
                fromFile = null;
            } else if (fromFile.seq() > head.seq()) {
                log.error(
                        "the audit trail in the database ends at seq {}, but this daemon had written it up to seq {}"
                                + " ({}): rows were deleted outside the daemon; `vmo audit --verify` names them",
                        head.seq(),
                        fromFile.seq(),
                        headFile.path());
            }
        }
        this.kept = fromFile;
        this.thread = Thread.ofPlatform().name("vmo-audit-writer").daemon().start(this::run);
    }

    /** Queues the entry, stamped with the time now. Never blocks, never throws. */
    @Override
    public void record(AuditEntry entry) {
        enqueue(entry);
    }

    /** As {@link #record}; the future completes once the entry is stored (tests, and stopping). */
    CompletableFuture<Void> enqueue(AuditEntry entry) {
        var written = new CompletableFuture<Void>();
        if (stopping) {
            log.warn("not recorded, the daemon is stopping: {}", entry);
            written.completeExceptionally(new IllegalStateException("the audit trail is closed"));
            return written;
        }
        if (!queue.offer(new Pending(AuditChain.stored(clock.instant()), entry, written))) {
            if (overflow.getAndIncrement() == 0) {
                log.error(
                        "the audit queue is full ({} entries waiting for the store): further entries are counted,"
                                + " not kept, until it drains",
                        MAX_QUEUED);
            }
            written.completeExceptionally(new IllegalStateException("audit queue full"));
        }
        return written;
    }

    /**
     * Queues a pruning of the rows recorded before {@code before}, done in one transaction with its own row
     * ({@link AuditPruner#ACTION}); {@code why} (the setting) goes into that row. Completes once done.
     */
    CompletableFuture<Void> prune(Instant before, String why) {
        var done = new CompletableFuture<Void>();
        if (stopping
                || !queue.offer(new Pending(AuditChain.stored(clock.instant()), null, done, new Prune(before, why)))) {
            done.completeExceptionally(new IllegalStateException("the audit queue is full: pruning waits a day"));
        }
        return done;
    }

    /** The head this daemon last committed (or found kept at start); null before it has any. */
    public KeptHead kept() {
        return kept;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (stopping) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            long lost = overflow.getAndSet(0);
            if (lost > 0) {
                batch.add(new Pending(
                        AuditChain.stored(clock.instant()),
                        new AuditEntry(
                                "audit.overflow",
                                null,
                                null,
                                null,
                                null,
                                AuditEntry.FAILED,
                                lost + " audit entries were not recorded: the store was unavailable and " + MAX_QUEUED
                                        + " were already waiting"),
                        new CompletableFuture<>()));
            }
            // A pruning is a transaction of its own: what is queued before it is written first.
            List<Pending> entries = new ArrayList<>();
            for (Pending p : batch) {
                if (p.prune() == null) {
                    entries.add(p);
                    continue;
                }
                if (!entries.isEmpty()) {
                    write(entries, h -> store.append(h));
                    entries.clear();
                }
                write(List.of(p), h -> store.prune(p.prune().before(), h));
            }
            if (!entries.isEmpty()) {
                write(entries, h -> store.append(h));
            }
            batch.clear();
        }
    }

    /** One transaction of the store's, given what to chain on the head it locks. */
    @FunctionalInterface
    private interface Transaction {
        AuditStore.Head run(java.util.function.Function<AuditStore.Head, List<AuditRow>> chain) throws Exception;
    }

    /** Stores the batch, retrying until it is stored (or, when stopping, until {@link #STOP_WAIT} has passed). */
    private void write(List<Pending> batch, Transaction transaction) {
        Duration delay = FIRST_RETRY;
        long giveUpAt = Long.MAX_VALUE;
        for (int attempt = 1; ; attempt++) {
            try {
                AuditStore.Head head = transaction.run(h -> chain(h, batch));
                KeptHead now = new KeptHead(head.chain(), head.seq(), head.mac());
                kept = now;
                try {
                    headFile.write(now);
                } catch (java.io.IOException e) {
                    log.warn("cannot keep the audit head in {}: {}", headFile.path(), e.toString());
                }
                if (attempt > 1) {
                    log.info("stored {} audit entries after {} attempts", batch.size(), attempt);
                }
                batch.forEach(p -> p.written().complete(null));
                return;
            } catch (Exception e) {
                if (attempt == 1 || attempt % 20 == 0) {
                    log.warn(
                            "storing {} audit entries failed (attempt {}), retrying: {}",
                            batch.size(),
                            attempt,
                            e.toString());
                }
                if (stopping) {
                    giveUpAt = Math.min(giveUpAt, System.nanoTime() + STOP_WAIT.toNanos());
                    if (System.nanoTime() > giveUpAt) {
                        log.error("{} audit entries not stored before stopping: {}", batch.size(), e.toString());
                        batch.forEach(p -> p.written().completeExceptionally(e));
                        return;
                    }
                }
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                delay = delay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay.multipliedBy(2);
            }
        }
    }

    /**
     * The rows that follow the locked head. Where the database's head is behind the one this daemon committed
     * (rows and head deleted or rewritten through SQL), the chain goes on from the daemon's: the rows removed then
     * show as a gap that verification names, instead of being papered over by new rows at the same seqs.
     */
    private List<AuditRow> chain(AuditStore.Head head, List<Pending> batch) {
        long seq = head.seq();
        byte[] previous = head.mac();
        KeptHead mine = kept;
        if (mine != null
                && mine.chain().equals(head.chain())
                && (mine.seq() > seq || (mine.seq() == seq && !Arrays.equals(mine.mac(), previous)))) {
            log.error(
                    "the audit head in the database (seq {}) is not the one this daemon wrote (seq {}): the trail was"
                            + " changed outside the daemon; it goes on from seq {}, `vmo audit --verify` names the gap",
                    seq,
                    mine.seq(),
                    mine.seq() + 1);
            seq = mine.seq();
            previous = mine.mac();
        }
        List<AuditRow> rows = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            AuditEntry entry = p.prune() == null ? p.entry() : pruned(head, p);
            seq++;
            byte[] mac = chain.mac(head.chain(), previous, seq, p.at(), entry);
            rows.add(new AuditRow(seq, p.at(), entry, mac));
            previous = mac;
        }
        return rows;
    }

    /** The row a pruning leaves: through which seq, how many rows, why, and the anchor's MAC (what verifies it). */
    private static AuditEntry pruned(AuditStore.Head head, Pending p) {
        return new AuditEntry(
                AuditPruner.ACTION,
                null,
                null,
                null,
                AuditPruner.subject(head.prunedSeq()),
                AuditEntry.OK,
                "removed the rows recorded before " + p.prune().before() + " ("
                        + p.prune().why() + "); the trail now chains from MAC "
                        + java.util.HexFormat.of().formatHex(head.prunedMac()));
    }

    /** Stores what is queued (for a few seconds at most if the store is down), then stops. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(STOP_WAIT.plusSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
