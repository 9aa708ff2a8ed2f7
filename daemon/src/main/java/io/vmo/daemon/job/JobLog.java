package io.vmo.daemon.job;

import io.vmo.protocol.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's output as its viewers read it: the store, plus the most recent events in memory (the tail). Every event
 * is in the tail until the store has it on disk; so whatever a reader does not find in the tail, the store has,
 * without gaps. Until then the tail's chunks are the same arrays the event writer holds, so they cost nothing of
 * their own. Once on disk, an event stays only while a reader still needs it, and only while the tail holds at
 * most {@link #TAIL_BYTES}: a job nobody watches, or whose viewers keep up, keeps almost nothing (50 jobs × 1 MB/s
 * each kept a full tail, 200 MiB, while they kept one regardless).
 *
 * <p>Its lock is held only to add or look up references, never across a wait: the job's pump appends under it,
 * and cursors read under it on the network threads.
 */
final class JobLog {

    /**
     * Of stored output (what is not on disk yet is kept anyway, and does not count): enough for a viewer that keeps
     * up to be served from memory, even when it falls back a little during a flood (100 MB/s for 40 ms); one that
     * falls further behind reads pages, shared with the viewers behind it ({@link SharedPages}). With 1 MiB, a paced
     * viewer of a flood fell off the tail and onto store reads and ended 1.6 s behind the job (ViewersIT).
     */
    static final long TAIL_BYTES = 4 << 20;

    /** What a reader finds after its position. */
    sealed interface Read permits Events, Behind, UpToDate, Ended {}

    /** The next events, in order, from the tail. */
    record Events(List<Chunk> chunks) implements Read {}

    /** The next events are no longer in memory: read the store, which has everything up to {@code upToSeq}. */
    record Behind(long upToSeq) implements Read {}

    /** Nothing new yet. */
    record UpToDate() implements Read {}

    /** The reader has everything, and the job's end is stored. */
    record Ended(Response.JobDone end) implements Read {}

    private Chunk[] ring = new Chunk[16];
    private int head;
    private int size;
    /** Bytes of the tail's events that are on disk: what the tail holds of its own, bounded by TAIL_BYTES. */
    private long storedBytes;
    private long lastSeq;
    /** Up to here the store has everything on disk: the tail may let go of it. */
    private long durableSeq;
    private Response.JobDone end;
    /** Each reader's position (what it had when it last read): the tail keeps what follows the furthest behind. */
    private final Map<Object, Long> readers = new HashMap<>();

    /** A running job's log, empty so far, or with {@code lastSeq} events already in the store. */
    JobLog(long lastSeq) {
        this.lastSeq = lastSeq;
        this.durableSeq = lastSeq;
    }

    /** A finished job's log: all of it in the store. */
    static JobLog finished(long lastSeq, Response.JobDone end) {
        JobLog log = new JobLog(lastSeq);
        log.end = end;
        return log;
    }

    /** Adds the job's next event; its seq must follow the last one. */
    synchronized void append(Chunk chunk) {
        if (chunk.seq() != lastSeq + 1) {
            throw new IllegalArgumentException("event " + chunk.seq() + " after " + lastSeq);
        }
        if (size == ring.length) {
            Chunk[] bigger = new Chunk[ring.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = at(i);
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + size) % ring.length] = chunk;
        size++;
        lastSeq = chunk.seq();
        if (chunk.seq() <= durableSeq) {
            storedBytes += chunk.data().length; // the writer reported it before the pump got here
        }
        evict();
    }

    /** The store has every event up to {@code seq} on disk. */
    synchronized void durableUpTo(long seq) {
        long firstSeq = firstSeq();
        for (long s = Math.max(durableSeq + 1, firstSeq); s <= Math.min(seq, lastSeq); s++) {
            storedBytes += at((int) (s - firstSeq)).data().length;
        }
        durableSeq = Math.max(durableSeq, seq);
        evict();
    }

    /** The job's end is stored: readers that have everything get it. */
    synchronized void end(Response.JobDone done) {
        end = done;
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    /**
     * What follows {@code afterSeq}, which {@code reader} has: up to about {@code maxBytes} of events (at least
     * one), or where to look. The tail keeps what the reader still needs until it {@link #leave}s.
     */
    synchronized Read read(Object reader, long afterSeq, long maxBytes) {
        readers.put(reader, afterSeq);
        if (afterSeq >= lastSeq) {
            return end != null ? new Ended(end) : new UpToDate();
        }
        long firstSeq = firstSeq();
        if (afterSeq + 1 < firstSeq) {
            return new Behind(firstSeq - 1);
        }
        List<Chunk> chunks = new ArrayList<>();
        long bytes = 0;
        for (int i = (int) (afterSeq + 1 - firstSeq); i < size && (chunks.isEmpty() || bytes < maxBytes); i++) {
            Chunk chunk = at(i);
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
        for (int i = size - 1; i >= 0; i--) {
            Chunk chunk = at(i);
            covered += chunk.data().length;
            if (covered >= bytes) {
                return chunk.seq() - 1;
            }
        }
        return size > 0 && ring[head].seq() == 1 ? 0 : -1;
    }

    /** Whether a reader at {@code afterSeq} has more to read: events, or the end. */
    synchronized boolean hasAfter(long afterSeq) {
        return afterSeq < lastSeq || end != null;
    }

    /** Where each reader is: the seq it had when it last read. */
    synchronized long[] readerPositions() {
        return readers.values().stream().mapToLong(Long::longValue).toArray();
    }

    /** The reader reads no more. */
    synchronized void leave(Object reader) {
        if (readers.remove(reader) != null) {
            evict();
        }
    }

    /** The seq before the tail's first event: the store holds everything up to it. */
    synchronized long beforeTail() {
        return firstSeq() - 1;
    }

    /** The tail's {@code i}th event, oldest first. */
    private Chunk at(int i) {
        return ring[(head + i) % ring.length];
    }

    /** The seq of the tail's first event, or the next one's if it is empty. */
    private long firstSeq() {
        return size == 0 ? lastSeq + 1 : ring[head].seq();
    }

    private void evict() {
        long needed = Long.MAX_VALUE; // every reader has everything up to here
        for (long position : readers.values()) {
            needed = Math.min(needed, position);
        }
        while (size > 0 && ring[head].seq() <= durableSeq
                && (ring[head].seq() <= needed || storedBytes > TAIL_BYTES)) {
            storedBytes -= ring[head].data().length;
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
        }
    }
}
