package io.vmo.daemon.job;

import io.vmo.protocol.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A job's output as its viewers read it: the store, plus the most recent events in memory (the tail). Every event
 * is in the tail until the store has it on disk; so whatever a reader does not find in the tail, the store has,
 * without gaps. Until then the tail's chunks are the same arrays the event writer holds, so they cost nothing of
 * their own. Once on disk, an event stays only while a reader still needs it, and only while the tail holds at
 * most {@link #TAIL_BYTES}: a job nobody watches, or whose viewers keep up, keeps almost nothing (50 jobs × 1 MB/s
 * each kept a full tail, 200 MiB, while they kept one regardless).
 *
 * <p>Readers take no lock. Only what changes the tail (the job's pump appending, the writer's durability reports,
 * a reader leaving) takes its lock, and never across a wait. Events sit in a ring indexed by seq; each slot holds an
 * immutable chunk that carries its seq, so a reader checks that a slot still holds the seq it wants and otherwise
 * goes to the store. With the read under the lock, 200 viewers' cursors on four event loops took it for every
 * turn, and the job's pump, which appends under it, contended with all of them. (Taking it off the readers did
 * not by itself shorten the fan-out job's writing in the benchmark: the cores were busy with other work too.)
 */
final class JobLog {

    /**
     * Of stored output (what is not on disk yet is kept anyway, and does not count): enough for a viewer that keeps
     * up to be served from memory, even when it falls back a little during a flood (100 MB/s for 40 ms); one that
     * falls further behind reads pages, shared with the viewers behind it ({@link SharedPages}). With 1 MiB, a paced
     * viewer of a flood fell off the tail and onto store reads and ended 1.6 s behind the job (ViewersIT).
     */
    static final long TAIL_BYTES = 4 << 20;

    /**
     * Where stored events go that the tail lets go of while a reader still needs them (the tail is full): kept
     * there, they need not be read back from the store. Called holding no lock.
     */
    @FunctionalInterface
    interface Overflow {
        void letGo(JobLog log, List<Chunk> stillNeeded);

        /** The log's last reader has left: nothing needs what was kept for it. */
        default void unread(JobLog log) {}

        Overflow NONE = (log, chunks) -> {};
    }

    /** What a reader finds after its position. */
    sealed interface Read permits Events, Behind, UpToDate, Ended {}

    /** The next events, in order, from the tail. */
    record Events(List<Chunk> chunks) implements Read {

        long bytes() {
            long bytes = 0;
            for (Chunk chunk : chunks) {
                bytes += chunk.data().length;
            }
            return bytes;
        }
    }

    /** The next events are no longer in memory: read the store, which has everything up to {@code upToSeq}. */
    record Behind(long upToSeq) implements Read {}

    /** Nothing new yet. */
    record UpToDate() implements Read {}

    /** The reader has everything, and the job's end is stored. */
    record Ended(Response.JobDone end) implements Read {}

    /** The events from {@link #firstSeq} to {@link #lastSeq}, the one of seq {@code s} at {@code s & (length - 1)}. */
    private volatile AtomicReferenceArray<Chunk> ring = new AtomicReferenceArray<>(16);
    /** The tail's first event, or the next one's if it is empty. Advanced before the slots are cleared. */
    private volatile long firstSeq;
    /** Set after its event's slot: a reader that sees it finds the event (or, once evicted, a later firstSeq). */
    private volatile long lastSeq;

    private volatile Response.JobDone end;
    /** Each reader's position (what it had when it last read): the tail keeps what follows the furthest behind. */
    private final Map<Object, Long> readers = new ConcurrentHashMap<>();

    private final Overflow overflow;
    // Under the lock:
    /** Bytes of the tail's events that are on disk: what the tail holds of its own, bounded by TAIL_BYTES. */
    private long storedBytes;
    /** Up to here the store has everything on disk: the tail may let go of it. */
    private long durableSeq;

    /** A running job's log, empty so far, or with {@code lastSeq} events already in the store. */
    JobLog(long lastSeq) {
        this(lastSeq, Overflow.NONE);
    }

    JobLog(long lastSeq, Overflow overflow) {
        this.overflow = overflow;
        this.lastSeq = lastSeq;
        this.firstSeq = lastSeq + 1;
        this.durableSeq = lastSeq;
    }

    /** A finished job's log: all of it in the store. */
    static JobLog finished(long lastSeq, Response.JobDone end) {
        JobLog log = new JobLog(lastSeq);
        log.end = end;
        return log;
    }

    /** Adds the job's next event; its seq must follow the last one. */
    void append(Chunk chunk) {
        List<Chunk> needed;
        synchronized (this) {
            needed = appendLocked(chunk);
        }
        letGo(needed);
    }

    private List<Chunk> appendLocked(Chunk chunk) {
        long seq = chunk.seq();
        if (seq != lastSeq + 1) {
            throw new IllegalArgumentException("event " + seq + " after " + lastSeq);
        }
        AtomicReferenceArray<Chunk> slots = ring;
        if (seq - firstSeq == slots.length()) {
            AtomicReferenceArray<Chunk> bigger = new AtomicReferenceArray<>(slots.length() * 2);
            for (long s = firstSeq; s < seq; s++) {
                bigger.set(slot(bigger, s), slots.get(slot(slots, s)));
            }
            ring = slots = bigger;
        }
        slots.set(slot(slots, seq), chunk);
        lastSeq = seq;
        if (seq <= durableSeq) {
            storedBytes += chunk.data().length; // the writer reported it before the pump got here
        }
        return evict();
    }

    /** The store has every event up to {@code seq} on disk. */
    void durableUpTo(long seq) {
        List<Chunk> needed;
        synchronized (this) {
            for (long s = Math.max(durableSeq + 1, firstSeq); s <= Math.min(seq, lastSeq); s++) {
                storedBytes += at(s).data().length;
            }
            durableSeq = Math.max(durableSeq, seq);
            needed = evict();
        }
        letGo(needed);
    }

    /** The job's end is stored: readers that have everything get it. */
    void end(Response.JobDone done) {
        end = done;
    }

    long lastSeq() {
        return lastSeq;
    }

    /**
     * What follows {@code afterSeq}, which {@code reader} has: up to about {@code maxBytes} of events (at least
     * one), or where to look. The tail keeps what the reader still needs until it {@link #leave}s. Takes no lock.
     */
    Read read(Object reader, long afterSeq, long maxBytes) {
        readers.put(reader, afterSeq);
        Response.JobDone ended = end; // before lastSeq: once the end is set, the last seq is final
        long last = lastSeq;
        if (afterSeq >= last) {
            return ended != null ? new Ended(ended) : new UpToDate();
        }
        List<Chunk> chunks = new ArrayList<>();
        long bytes = 0;
        AtomicReferenceArray<Chunk> slots = ring; // after lastSeq: it holds every event up to there
        for (long seq = afterSeq + 1; seq <= last && (chunks.isEmpty() || bytes < maxBytes); seq++) {
            Chunk chunk = slots.get(slot(slots, seq));
            if (chunk == null || chunk.seq() != seq) {
                // Let go of since lastSeq was read (firstSeq moved past it first): the store has it.
                if (chunks.isEmpty()) {
                    return new Behind(firstSeq - 1);
                }
                break;
            }
            chunks.add(chunk);
            bytes += chunk.data().length;
        }
        return new Events(chunks);
    }

    /**
     * Where a replay must start to hold at least {@code bytes} of the newest output, if the tail alone holds that
     * much (else -1: the store must be asked about the events before the tail).
     */
    synchronized long startCovering(long bytes) {
        long covered = 0;
        for (long s = lastSeq; s >= firstSeq; s--) {
            covered += at(s).data().length;
            if (covered >= bytes) {
                return s - 1;
            }
        }
        return firstSeq == 1 ? 0 : -1;
    }

    /**
     * A reader starts after {@code afterSeq}: from now on the tail keeps what follows for it, before its first
     * {@link #read}. Counted only from that read, the 200 viewers that join a job as it starts were not yet
     * readers while their connections' thread was busy: the tail let go of what they needed, and they read it back
     * from the store while the job was still writing (bench, fanout phase: ~80 page reads in its first 0.3 s).
     */
    void join(Object reader, long afterSeq) {
        readers.put(reader, afterSeq);
    }

    /** Whether a reader at {@code afterSeq} has more to read: events, or the end. */
    boolean hasAfter(long afterSeq) {
        return afterSeq < lastSeq || end != null;
    }

    /** Where each reader is: the seq it had when it last read. */
    long[] readerPositions() {
        return readers.values().stream().mapToLong(Long::longValue).toArray();
    }

    /** How many readers it has. */
    int readerCount() {
        return readers.size();
    }

    /** The reader reads no more. */
    void leave(Object reader) {
        if (readers.remove(reader) != null) {
            List<Chunk> needed;
            synchronized (this) {
                needed = evict();
            }
            letGo(needed);
            if (readers.isEmpty()) {
                overflow.unread(this);
            }
        }
    }

    /** The seq before the tail's first event: the store holds everything up to it. */
    long beforeTail() {
        return firstSeq - 1;
    }

    /** The event of {@code seq}, which the tail holds (under the lock). */
    private Chunk at(long seq) {
        AtomicReferenceArray<Chunk> slots = ring;
        return slots.get(slot(slots, seq));
    }

    private static int slot(AtomicReferenceArray<Chunk> slots, long seq) {
        return (int) (seq & (slots.length() - 1));
    }

    /** Lets go of what it may; returns what of that a reader still needs. */
    private List<Chunk> evict() {
        long needed = Long.MAX_VALUE; // every reader has everything up to here
        for (long position : readers.values()) {
            needed = Math.min(needed, position);
        }
        AtomicReferenceArray<Chunk> slots = ring;
        List<Chunk> stillNeeded = List.of();
        for (long first = firstSeq;
                first <= lastSeq && first <= durableSeq && (first <= needed || storedBytes > TAIL_BYTES);
                first++) {
            int slot = slot(slots, first);
            Chunk chunk = slots.get(slot);
            storedBytes -= chunk.data().length;
            firstSeq = first + 1; // first, so a reader that finds the slot empty finds where the tail begins
            slots.set(slot, null);
            if (first > needed) {
                if (stillNeeded.isEmpty()) {
                    stillNeeded = new ArrayList<>();
                }
                stillNeeded.add(chunk);
            }
        }
        return stillNeeded;
    }

    private void letGo(List<Chunk> stillNeeded) {
        if (!stillNeeded.isEmpty()) {
            overflow.letGo(this, stillNeeded);
        }
    }
}
