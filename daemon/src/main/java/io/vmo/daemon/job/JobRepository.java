package io.vmo.daemon.job;

import io.vmo.protocol.JobInfo;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What jobs need of the store besides their output (the store's {@code JobStore}). A store that cannot answer
 * throws a {@code VmoException} with code {@code store-unavailable}.
 */
public interface JobRepository {

    void insert(JobRecord job);

    Optional<JobInfo> find(UUID id);

    /** Newest first; only those {@code user} asked for, unless it is null. */
    List<JobInfo> recent(int limit, String user);

    /** A full job id, or a unique prefix of one, to the job's id. */
    UUID resolve(String idOrPrefix);

    /** Stored events with {@code afterSeq < seq <= upToSeq}, in order, at most {@code limit}. */
    List<Chunk> events(UUID jobId, long afterSeq, long upToSeq, int limit);

    /** Where to replay from so that the stored events after it, up to {@code upToSeq}, hold at least {@code bytes}. */
    long recentStart(UUID jobId, long upToSeq, long bytes);
}
