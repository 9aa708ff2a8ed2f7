package io.vmo.daemon.job;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * The store's pages as every cursor that fell behind reads them: the events read most recently are kept (up to
 * {@link #BUDGET_BYTES} over all jobs, the oldest read let go first), so viewers that follow one another through
 * the same stretch of a job read it from the store once. Without it, 200 viewers of one 50 MB job read 10 GB from
 * PostgreSQL, which then had no time left for the job's own writes (bench, fanout phase). At most
 * {@link #STORE_READERS} store reads run at once: each holds a page, so this bounds their memory too.
 *
 * <p>Its lock is held only to look up and add references, never across a store read.
 */
final class SharedPages implements Cursor.Pages {

    static final long BUDGET_BYTES = 16 << 20;
    static final int STORE_READERS = 4;

    private final Cursor.Pages store;
    private final long budget;
    private final Semaphore readers = new Semaphore(STORE_READERS);
    private final Map<UUID, NavigableMap<Long, Chunk>> byJob = new HashMap<>();
    /** In the order they were read: the first ones go when the budget is spent. */
    private final ArrayDeque<Chunk> order = new ArrayDeque<>();
    private long bytes;

    SharedPages(Cursor.Pages store) {
        this(store, BUDGET_BYTES);
    }

    SharedPages(Cursor.Pages store, long budget) {
        this.store = store;
        this.budget = budget;
    }

    /** What is kept, if it starts right after {@code afterSeq}; else a read from the store (may block). */
    @Override
    public List<Chunk> read(UUID jobId, long afterSeq, long upToSeq, int limit) {
        List<Chunk> kept = kept(jobId, afterSeq, upToSeq, limit);
        if (!kept.isEmpty()) {
            return kept;
        }
        List<Chunk> page;
        readers.acquireUninterruptibly();
        try {
            page = store.read(jobId, afterSeq, upToSeq, limit);
        } finally {
            readers.release();
        }
        keep(jobId, page);
        return page;
    }

    private synchronized List<Chunk> kept(UUID jobId, long afterSeq, long upToSeq, int limit) {
        NavigableMap<Long, Chunk> chunks = byJob.get(jobId);
        List<Chunk> run = new ArrayList<>();
        if (chunks != null) {
            for (long seq = afterSeq + 1; seq <= upToSeq && run.size() < limit; seq++) {
                Chunk chunk = chunks.get(seq);
                if (chunk == null) {
                    break;
                }
                run.add(chunk);
            }
        }
        return run;
    }

    private synchronized void keep(UUID jobId, List<Chunk> page) {
        NavigableMap<Long, Chunk> chunks = byJob.computeIfAbsent(jobId, id -> new TreeMap<>());
        for (Chunk chunk : page) {
            if (chunks.putIfAbsent(chunk.seq(), chunk) == null) {
                order.addLast(chunk);
                bytes += chunk.data().length;
            }
        }
        while (bytes > budget && !order.isEmpty()) {
            Chunk oldest = order.removeFirst();
            NavigableMap<Long, Chunk> of = byJob.get(oldest.jobId());
            of.remove(oldest.seq());
            if (of.isEmpty()) {
                byJob.remove(oldest.jobId());
            }
            bytes -= oldest.data().length;
        }
    }

    /** Bytes kept now (for tests). */
    synchronized long keptBytes() {
        return bytes;
    }
}
