package io.vmo.daemon.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What a running job's viewers may be sent while the job floods (writes more than {@link #FLOOD_BYTES_PER_SECOND},
 * far more than anyone reads): together, at most {@link #SHARE} times what it writes, and nothing read back from the
 * store. The job's own path (its pump, the event writer, PostgreSQL) keeps the machine; the viewers that do not get
 * a share wait, the one nearest the job's end served first, and go on at full speed once the flood stops. Outside a
 * flood, and for a job with at most {@link #FREE_VIEWERS} viewers, nothing is rationed.
 *
 * <p>Why: on 2 cores, a 50 MB job written while 200 viewers were sent it as it came (10 GB over loopback, their
 * frames' garbage, the store reads of those that fell behind) took 0.5–1.0 s instead of 0.22–0.37 s with no viewer
 * (bench, fanout phase; the target is within 25 %). Bounding the viewers' share by the job's own rate bounds that
 * work whatever their number; with more than a couple of viewers, they share it.
 *
 * <p>Takes its own lock only briefly and never blocks: the viewers that must wait are {@link Cursor#wake woken}
 * later, by the job's pump as it gives more, or by a timer once the flood has stopped.
 */
final class Ration {

    /** Viewers together get at most this many times the job's output while it floods. */
    static final int SHARE = 1;

    /**
     * A job with at most this many viewers is not rationed: each can keep up, and one that fell behind catches up
     * during the flood. Rationed, the one viewer of a 500 MB flood that fell behind for a moment could not (its
     * share was just the job's rate) and caught up only after the job: 79–94 MB/s streamed instead of 171 (bench,
     * throughput phase).
     */
    static final int FREE_VIEWERS = 2;

    /** A job writing faster than this floods: more than a terminal shows or a person reads. */
    static final long FLOOD_BYTES_PER_SECOND = 8 << 20;

    /**
     * Over how long the job's rate is taken (an exponential decay of what it wrote): long enough that the pump's
     * pauses within a flood (a garbage collection, a wait for the store's queue; 20 ms ones ended floods early and
     * let 200 viewers read the store while the job still wrote) do not end it.
     */
    static final long RATE_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * A burst is judged on at least this much of it. Before, a job's first writes were judged on the whole window:
     * the flood was seen only once 800 KB had come, and every viewer that had joined before was woken by the first
     * reads and sent the tail up to its connection's high-water mark: up to 114 MB to 200 viewers of a 50 MB job, as
     * it started (bench, fanout phase). From the first 5 ms, a flood is seen once 39 KB have come.
     */
    static final long MIN_BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** What viewers may take at once when a flood leaves some unused: a few of the pump's reads. */
    static final long MAX_CREDIT = 512 << 10;

    private static final double FLOOD_LEVEL = FLOOD_BYTES_PER_SECOND * (RATE_WINDOW_NANOS / 1e9);

    /** Below this the level has decayed to nothing (a byte): the next write begins a new burst. */
    private static final double QUIET_LEVEL = 1;

    /** A viewer waiting for its share, and where it is: the one nearest the job's end is served first. */
    private record Waiting(Cursor cursor, long position, long order) {}

    private static final Comparator<Waiting> NEAREST_FIRST =
            Comparator.comparingLong(Waiting::position).reversed().thenComparingLong(Waiting::order);

    private final LongSupplier nanos;
    private final IntSupplier viewers;
    private final TreeSet<Waiting> waiting = new TreeSet<>(NEAREST_FIRST);
    private final Map<Cursor, Waiting> waitingCursors = new HashMap<>();
    /**
     * Viewers fallen behind the tail, waiting for the flood to end: no share lets them read the store, so the pump's
     * credit never wakes them. When it did, each of the pump's reads woke a few of them only to find them still
     * behind: 1,400-3,800 such wakes in a 50 MB job with 200 viewers, against 30-160 that sent something (bench,
     * fanout phase).
     */
    private final Set<Cursor> behind = new LinkedHashSet<>();
    /** Bytes written lately: each decays by e every RATE_WINDOW_NANOS. */
    private double level;

    private long levelAt;
    /** When the job's current burst began: its first write after the level had decayed to nothing. */
    private long burstAt;

    private long credit;
    private long order;
    private boolean checkScheduled;
    private boolean ended;

    /** {@code viewers}: how many viewers the job has now. */
    Ration(IntSupplier viewers) {
        this(viewers, System::nanoTime);
    }

    Ration(IntSupplier viewers, LongSupplier nanos) {
        this.viewers = viewers;
        this.nanos = nanos;
        this.levelAt = nanos.getAsLong();
        this.burstAt = levelAt;
    }

    /** For a job that has ended: nothing is rationed. */
    static Ration none() {
        Ration ration = new Ration(() -> 0);
        ration.ended = true;
        return ration;
    }

    /** The job wrote {@code bytes}: called by its pumps. During a flood, wakes the viewers that these may serve. */
    void wrote(int bytes) {
        List<Cursor> wake = new ArrayList<>();
        synchronized (this) {
            double before = levelNow();
            if (before < QUIET_LEVEL) {
                burstAt = levelAt;
            }
            level = before + bytes;
            if (!floods(level)) {
                return;
            }
            credit = Math.min(credit + (long) SHARE * bytes, MAX_CREDIT);
            // Each woken viewer takes about this much; waking more would only find nothing left.
            for (long given = 0; given < credit && !waiting.isEmpty(); given += Math.max(bytes, 1)) {
                wake.add(release(waiting.first()));
            }
        }
        wake.forEach(Cursor::wake);
    }

    /**
     * Whether {@code cursor}, at {@code position}, may send {@code bytes} from memory now; then they are counted.
     * If not, it is woken when it may.
     */
    synchronized boolean take(Cursor cursor, long position, long bytes) {
        if (!flooding()) {
            return true;
        }
        if (credit > 0 && !waitingCursors.containsKey(cursor)) {
            credit -= bytes;
            return true;
        }
        park(cursor, position);
        return false;
    }

    /**
     * Whether {@code cursor}, fallen behind the job's tail at {@code position}, may read the store now: not while the
     * job floods (it is woken when the flood stops). PostgreSQL serving those reads served the job's writes less.
     */
    synchronized boolean mayReadStore(Cursor cursor, long position) {
        if (!flooding()) {
            return true;
        }
        unpark(cursor);
        behind.add(cursor);
        scheduleCheckOnce();
        return false;
    }

    /** Counts bytes sent that were not taken first: a page read from the store just before a flood. */
    synchronized void spent(long bytes) {
        if (flooding()) {
            credit -= bytes;
        }
    }

    /** The viewer has gone: it no longer waits. */
    synchronized void forget(Cursor cursor) {
        unpark(cursor);
    }

    /** The job has stopped writing: nothing is rationed any more. */
    void end() {
        List<Cursor> wake;
        synchronized (this) {
            ended = true;
            wake = releaseAll();
        }
        wake.forEach(Cursor::wake);
    }

    /** Whether the job floods now, and has more viewers than may all follow it freely. */
    synchronized boolean flooding() {
        return floods(levelNow());
    }

    private boolean floods(double level) {
        return !ended && level >= floodLevel(levelAt - burstAt) && viewers.getAsInt() > FREE_VIEWERS;
    }

    /**
     * The level a job writing {@link #FLOOD_BYTES_PER_SECOND} for {@code elapsed} reaches: the whole window's only
     * once it has written for a few windows. Judging a young burst on this is judging its rate so far.
     */
    private static double floodLevel(long elapsed) {
        return FLOOD_LEVEL * -Math.expm1(-(double) Math.max(elapsed, MIN_BURST_NANOS) / RATE_WINDOW_NANOS);
    }

    /** Viewers waiting now, for their share or for the flood's end (for tests). */
    synchronized int waitingCount() {
        return waiting.size() + behind.size();
    }

    private double levelNow() {
        long now = nanos.getAsLong();
        double decayed = level * Math.exp(-(double) (now - levelAt) / RATE_WINDOW_NANOS);
        levelAt = now;
        level = decayed;
        return decayed;
    }

    private void park(Cursor cursor, long position) {
        unpark(cursor);
        Waiting w = new Waiting(cursor, position, order++);
        waiting.add(w);
        waitingCursors.put(cursor, w);
        scheduleCheckOnce();
    }

    private void unpark(Cursor cursor) {
        Waiting w = waitingCursors.remove(cursor);
        if (w != null) {
            waiting.remove(w);
        }
        behind.remove(cursor);
    }

    private void scheduleCheckOnce() {
        if (!checkScheduled) {
            checkScheduled = true;
            scheduleCheck();
        }
    }

    /** A flood stops with silence, not with a last write: the waiting viewers are let go once it has. */
    private void scheduleCheck() {
        CompletableFuture.delayedExecutor(RATE_WINDOW_NANOS, TimeUnit.NANOSECONDS, Runnable::run)
                .execute(this::check);
    }

    private void check() {
        List<Cursor> wake;
        synchronized (this) {
            if ((!waiting.isEmpty() || !behind.isEmpty()) && flooding()) {
                scheduleCheck();
                return;
            }
            checkScheduled = false;
            wake = releaseAll();
        }
        wake.forEach(Cursor::wake);
    }

    private Cursor release(Waiting w) {
        waiting.remove(w);
        waitingCursors.remove(w.cursor());
        return w.cursor();
    }

    private List<Cursor> releaseAll() {
        List<Cursor> all = new ArrayList<>(waiting.size() + behind.size());
        waiting.forEach(w -> all.add(w.cursor()));
        all.addAll(behind);
        waiting.clear();
        waitingCursors.clear();
        behind.clear();
        return all;
    }
}
