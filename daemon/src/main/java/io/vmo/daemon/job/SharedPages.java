package io.vmo.daemon.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * The store's pages as the cursors that fell behind a running job's tail read them, kept for the readers of that
 * job who come after: an event read from the store is kept only while another reader is still behind it. When
 * {@link #BUDGET_BYTES} (over all jobs) is spent, what goes first is what no reader needs any more, then what is
 * furthest ahead of the nearest reader behind it, so needed last (Belady's rule, for readers that only move
 * forward). 200 viewers of one 50 MB job then read 0.2–0.3 GB from PostgreSQL and the slowest ended 9 s after the
 * job; keeping whatever was read most recently (16 MiB), they read 3–7 GB, the slowest ended 20–30 s after, and
 * PostgreSQL, busy with those reads, held back the job's own writes (bench, fanout phase). A replay of an ended
 * job has a log of its own, one reader, so nothing of it is kept.
 *
 * <p>It keeps at most {@link #BYTES_PER_READER} for each reader of the jobs it keeps pages of, and
 * {@link #BUDGET_BYTES} in all: 48 MiB for any number of readers took a 500 MB flood's ten viewers that had read
 * nothing for 30 s to idle + 181 MB of RSS (the target is 128; 16 MiB: + 124). At most {@link #STORE_READERS} store
 * reads run at once: each holds a page, so this bounds their memory too.
 *
 * <p>Its lock is held only to look up, add and drop references (and, inside it, a job log's for its readers'
 * positions), never across a store read.
 */
final class SharedPages implements Cursor.Pages, JobLog.Overflow {

    /** Reads stored events: {@code afterSeq < seq <= upToSeq}, in order, at most {@code limit}. May block. */
    @FunctionalInterface
    interface Store {
        List<Chunk> read(UUID jobId, long afterSeq, long upToSeq, int limit);
    }

    static final long BUDGET_BYTES = 64 << 20;
    static final long BYTES_PER_READER = 256 << 10;
    static final int STORE_READERS = 4;

    private record Kept(NavigableMap<Long, Chunk> chunks, JobLog log) {}

    private final Store store;
    private final long budget;
    private final long perReader;
    private final Semaphore readers = new Semaphore(STORE_READERS);
    private final Map<UUID, Kept> byJob = new HashMap<>();
    private long bytes;

    SharedPages(Store store) {
        this(store, BUDGET_BYTES, BYTES_PER_READER);
    }

    SharedPages(Store store, long budget, long perReader) {
        this.store = store;
        this.budget = budget;
        this.perReader = perReader;
    }

    /**
     * What is kept, if it starts right after {@code afterSeq}; else a read from the store (may block), up to the
     * next event that is kept.
     */
    @Override
    public List<Chunk> read(UUID jobId, JobLog log, long afterSeq, long upToSeq, int limit) {
        List<Chunk> kept = kept(jobId, afterSeq, upToSeq, limit);
        if (!kept.isEmpty()) {
            return kept;
        }
        long upTo = Math.min(upToSeq, nextKept(jobId, afterSeq) - 1);
        List<Chunk> page;
        readers.acquireUninterruptibly();
        try {
            page = store.read(jobId, afterSeq, upTo, limit);
        } finally {
            readers.release();
        }
        keep(jobId, log, page, 2); // the reader that read it is behind it too (at afterSeq): kept if another is
        return page;
    }

    /**
     * A running job's tail lets go of events a reader still needs: kept as if read from the store, they need not
     * be. With 200 viewers of a 50 MB job spread over it, the ones behind the tail read it back from PostgreSQL,
     * which then served those reads instead of the job's writes.
     */
    @Override
    public void letGo(JobLog log, List<Chunk> stillNeeded) {
        keep(stillNeeded.getFirst().jobId(), log, stillNeeded, 1);
    }

    /**
     * Drops what is kept for a log nobody reads any more. Kept until the budget needed the room, 200 viewers' pages
     * of a 50 MB job stayed in the heap after they had all left, and the next jobs' garbage collections copied them
     * (bench, fanout: the runs with no viewer slowed down after the runs with viewers).
     */
    @Override
    public synchronized void unread(JobLog log) {
        var entries = byJob.entrySet().iterator();
        while (entries.hasNext()) {
            Kept kept = entries.next().getValue();
            if (kept.log() == log) {
                for (Chunk chunk : kept.chunks().values()) {
                    bytes -= chunk.data().length;
                }
                entries.remove();
            }
        }
    }

    private synchronized List<Chunk> kept(UUID jobId, long afterSeq, long upToSeq, int limit) {
        Kept kept = byJob.get(jobId);
        List<Chunk> run = new ArrayList<>();
        if (kept != null) {
            for (long seq = afterSeq + 1; seq <= upToSeq && run.size() < limit; seq++) {
                Chunk chunk = kept.chunks().get(seq);
                if (chunk == null) {
                    break;
                }
                run.add(chunk);
            }
        }
        return run;
    }

    /** The first seq after {@code afterSeq} that is kept, or {@code Long.MAX_VALUE}. */
    private synchronized long nextKept(UUID jobId, long afterSeq) {
        Kept kept = byJob.get(jobId);
        Long next = kept == null ? null : kept.chunks().higherKey(afterSeq);
        return next == null ? Long.MAX_VALUE : next;
    }

    /** Keeps what at least {@code readersBehind} readers are behind. */
    private synchronized void keep(UUID jobId, JobLog log, List<Chunk> page, int readersBehind) {
        long[] positions = sortedPositions(log);
        Kept kept = null;
        for (Chunk chunk : page) {
            if (behind(positions, chunk.seq()) < readersBehind) {
                continue;
            }
            if (kept == null) {
                kept = byJob.computeIfAbsent(jobId, id -> new Kept(new TreeMap<>(), log));
            }
            if (kept.chunks().putIfAbsent(chunk.seq(), chunk) == null) {
                bytes += chunk.data().length;
            }
        }
        if (bytes > Math.min(budget, perReader)) { // at least one reader: don't look further until then
            evict();
        }
    }

    private record Candidate(UUID jobId, Chunk chunk, long distance) {}

    private void evict() {
        long readerCount = 0;
        for (Kept kept : byJob.values()) {
            readerCount += kept.log().readerCount();
        }
        long limit = Math.min(budget, perReader * readerCount);
        if (bytes <= limit) {
            return; // the job's pump calls this (letGo): no sort of every kept event while under the budget
        }
        List<Candidate> candidates = new ArrayList<>();
        for (var job : byJob.entrySet()) {
            long[] positions = sortedPositions(job.getValue().log());
            for (Chunk chunk : job.getValue().chunks().values()) {
                candidates.add(new Candidate(job.getKey(), chunk, distance(positions, chunk.seq())));
            }
        }
        candidates.sort(Comparator.comparingLong(Candidate::distance).reversed());
        for (int i = 0; i < candidates.size() && bytes > limit; i++) {
            Candidate victim = candidates.get(i);
            Kept kept = byJob.get(victim.jobId());
            kept.chunks().remove(victim.chunk().seq());
            if (kept.chunks().isEmpty()) {
                byJob.remove(victim.jobId());
            }
            bytes -= victim.chunk().data().length;
        }
    }

    private static long[] sortedPositions(JobLog log) {
        long[] positions = log.readerPositions();
        Arrays.sort(positions);
        return positions;
    }

    /** How many readers are behind {@code seq}: positions before it. */
    private static int behind(long[] sorted, long seq) {
        int i = Arrays.binarySearch(sorted, seq);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && sorted[i - 1] == seq) {
            i--;
        }
        return i;
    }

    /** Seqs from the nearest reader behind {@code seq} to it: how late it is needed; MAX_VALUE if by no one. */
    private static long distance(long[] sorted, long seq) {
        int behind = behind(sorted, seq);
        return behind == 0 ? Long.MAX_VALUE : seq - sorted[behind - 1];
    }

    /** Bytes kept now (for tests). */
    synchronized long keptBytes() {
        return bytes;
    }
}
