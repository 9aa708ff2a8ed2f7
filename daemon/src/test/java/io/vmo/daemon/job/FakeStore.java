package io.vmo.daemon.job;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.VmoException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The store as the job package sees it, in memory: a job's row, its events and its end. {@link FakeWriter} writes
 * into it; {@link #pages} is how cursors read it, replaceable to make the reads slow, empty, failing or short.
 */
final class FakeStore implements JobRepository, StoreStatus {

    final Map<UUID, JobRecord> jobs = new ConcurrentHashMap<>();
    private final Map<UUID, NavigableMap<Long, Chunk>> events = new ConcurrentHashMap<>();
    private final Map<UUID, Ending> endings = new ConcurrentHashMap<>();
    /** Why the store is down, or null: every read then fails, as the real one does. */
    volatile String problem;
    /** Inserting a job fails (a write the database refuses) while reads still work. */
    volatile boolean refuseInserts;
    /** What {@link #events} answers: the stored events, unless a test puts something else in between. */
    volatile SharedPages.Store pages = this::stored;

    /** A job's row as {@code execute} would record it. */
    static JobRecord newJob(boolean interactive) {
        return new JobRecord(
                UUID.randomUUID(),
                "make",
                "demo",
                "build",
                List.of(),
                null,
                List.of("make", "build"),
                null,
                null,
                null,
                Instant.now(),
                interactive,
                io.vmo.protocol.Provenance.UNKNOWN);
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    void store(Chunk chunk) {
        events.computeIfAbsent(chunk.jobId(), id -> new ConcurrentSkipListMap<>())
                .put(chunk.seq(), chunk);
    }

    void store(Ending ending) {
        endings.put(ending.jobId(), ending);
    }

    /** Every stored event of the job, in seq order. */
    List<Chunk> stored(UUID jobId) {
        return List.copyOf(
                events.getOrDefault(jobId, new ConcurrentSkipListMap<>()).values());
    }

    Optional<Ending> ending(UUID jobId) {
        return Optional.ofNullable(endings.get(jobId));
    }

    /** The real query: {@code afterSeq < seq <= upToSeq}, in order, at most {@code limit}. */
    List<Chunk> stored(UUID jobId, long afterSeq, long upToSeq, int limit) {
        return stored(jobId).stream()
                .filter(c -> c.seq() > afterSeq && c.seq() <= upToSeq)
                .limit(limit)
                .toList();
    }

    private void failIfDown() {
        if (problem != null) {
            throw new VmoException(ErrorCode.STORE_UNAVAILABLE, "the store is down: " + problem);
        }
    }

    @Override
    public void insert(JobRecord job) {
        failIfDown();
        if (refuseInserts) {
            throw new VmoException(ErrorCode.STORE_UNAVAILABLE, "insert refused");
        }
        jobs.put(job.id(), job);
    }

    @Override
    public Optional<JobInfo> find(UUID id) {
        failIfDown();
        JobRecord r = jobs.get(id);
        if (r == null) {
            return Optional.empty();
        }
        Ending end = endings.get(id);
        NavigableMap<Long, Chunk> mine = events.get(id);
        long lastSeq = mine == null || mine.isEmpty() ? 0 : mine.lastKey();
        return Optional.of(new JobInfo(
                id.toString(),
                r.kind(),
                r.project(),
                r.target(),
                r.args(),
                r.vm(),
                r.command(),
                end == null ? JobStatus.RUNNING : end.status(),
                end == null ? null : end.exitCode(),
                r.startedAt(),
                end == null ? null : end.finishedAt(),
                lastSeq,
                r.interactive(),
                r.provenance()));
    }

    @Override
    public List<JobInfo> recent(int limit, String user) {
        failIfDown();
        return jobs.values().stream()
                .filter(r -> user == null || user.equals(r.provenance().user()))
                .sorted(Comparator.comparing(JobRecord::startedAt).reversed())
                .limit(limit)
                .map(r -> find(r.id()).orElseThrow())
                .toList();
    }

    @Override
    public UUID resolve(String idOrPrefix) {
        failIfDown();
        List<UUID> ids = jobs.keySet().stream()
                .filter(id -> id.toString().startsWith(idOrPrefix))
                .toList();
        if (ids.size() != 1) {
            throw new VmoException(
                    ids.isEmpty() ? ErrorCode.UNKNOWN_JOB : ErrorCode.AMBIGUOUS_JOB,
                    ids.size() + " jobs start with " + idOrPrefix);
        }
        return ids.getFirst();
    }

    @Override
    public List<Chunk> events(UUID jobId, long afterSeq, long upToSeq, int limit) {
        failIfDown();
        return pages.read(jobId, afterSeq, upToSeq, limit);
    }

    @Override
    public long recentStart(UUID jobId, long upToSeq, long bytes) {
        failIfDown();
        long covered = 0;
        for (Chunk chunk : stored(jobId).reversed()) {
            if (chunk.seq() > upToSeq) {
                continue;
            }
            covered += chunk.data().length;
            if (covered >= bytes) {
                return chunk.seq() - 1;
            }
        }
        return 0;
    }
}
