package io.vmo.daemon.store;

import io.vmo.daemon.job.Chunk;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.VmoException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Every read and write of the {@code jobs} and {@code job_events} tables. */
public final class JobStore {

    private static final Pattern ID_PREFIX = Pattern.compile("[0-9a-f-]{1,36}");
    private static final String JOB_COLUMNS = """
            id, kind, project, target, args, vm, command, status, exit_code, started_at, finished_at, interactive,
            coalesce((select max(seq) from job_events e where e.job_id = jobs.id), 0) as last_seq
            """;

    private final Jdbi jdbi;

    public JobStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(JobRecord job) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into jobs (id, kind, project, target, args, vm, command, cwd, status, pid, started_at,
                                          interactive)
                        values (:id, :kind, :project, :target, :args, :vm, :command, :cwd, 'running', :pid,
                                :startedAt, :interactive)
                        """)
                .bind("id", job.id())
                .bind("kind", job.kind())
                .bind("project", job.project())
                .bind("target", job.target())
                .bind("args", job.args().toArray(String[]::new))
                .bind("vm", job.vm())
                .bind("command", job.command().toArray(String[]::new))
                .bind("cwd", job.cwd() == null ? null : job.cwd().toString())
                .bind("pid", job.pid())
                .bind("startedAt", utc(job.startedAt()))
                .bind("interactive", job.interactive())
                .execute());
    }

    /**
     * Writes events and job endings in one transaction: all of them or none, so a retry never half-writes. See
     * {@link EventWriter.Sink#write} for {@code durable}.
     */
    EventWriter.Written write(List<Chunk> chunks, List<EventWriter.Ending> endings, boolean durable)
            throws SQLException {
        return jdbi.<EventWriter.Written, SQLException>withHandle(h -> {
            h.<SQLException>useTransaction(t -> writeEvents(t, chunks, endings, durable));
            // Read after the commit, so the insert position is at or after its record.
            return h.createQuery("select pg_current_wal_insert_lsn() - '0/0', pg_current_wal_flush_lsn() - '0/0'")
                    .map((rs, ctx) -> new EventWriter.Written(rs.getLong(1), rs.getLong(2)))
                    .one();
        });
    }

    private static void writeEvents(Handle h, List<Chunk> chunks, List<EventWriter.Ending> endings, boolean durable)
            throws SQLException {
        if (!durable) {
            h.execute("set local synchronous_commit = off");
        } else if (chunks.isEmpty() && endings.isEmpty()) {
            // A transaction without an id commits without a WAL record, so without waiting for the flush;
            // taking an id makes its commit wait for the WAL to be flushed up to here.
            h.createQuery("select pg_current_xact_id()").mapTo(String.class).one();
        }
        if (!chunks.isEmpty()) {
            // Plain JDBC: Jdbi's named-parameter batch cost three quarters of the throughput here (bench).
            // "do nothing" makes a retry after a commit whose acknowledgement was lost harmless.
            try (PreparedStatement insert = h.getConnection().prepareStatement("""
                    insert into job_events (job_id, seq, ts, stream, data) values (?, ?, ?, ?, ?)
                    on conflict (job_id, seq) do nothing
                    """)) {
                for (Chunk c : chunks) {
                    insert.setObject(1, c.jobId());
                    insert.setLong(2, c.seq());
                    insert.setObject(3, utc(c.ts()));
                    insert.setString(4, c.stream().wireName());
                    insert.setBytes(5, c.data());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        for (EventWriter.Ending e : endings) {
            h.createUpdate("""
                            update jobs set status = :status, exit_code = :exitCode, finished_at = :finishedAt
                            where id = :id
                            """)
                    .bind("id", e.jobId())
                    .bind("status", e.status().wireName())
                    .bind("exitCode", e.exitCode())
                    .bind("finishedAt", utc(e.finishedAt()))
                    .execute();
        }
    }

    /**
     * Jobs a previous daemon left {@code running} can no longer be watched: mark them {@code lost}, each with a
     * {@code system} event saying so. Returns their ids.
     */
    public List<UUID> markLost(Instant now) {
        byte[] note = ("vmo: the daemon stopped while this job was running; its output up to then is kept."
                + " Marked lost when the daemon started again at " + now + ".\n").getBytes(StandardCharsets.UTF_8);
        return jdbi.inTransaction(h -> h.createQuery("""
                        with lost as (
                            update jobs set status = 'lost', finished_at = :now where status = 'running' returning id
                        )
                        insert into job_events (job_id, seq, ts, stream, data)
                        select id, coalesce((select max(seq) from job_events e where e.job_id = lost.id), 0) + 1,
                               :now, 'system', :note
                        from lost
                        returning job_id
                        """)
                .bind("now", utc(now))
                .bind("note", note)
                .mapTo(UUID.class)
                .list());
    }

    public Optional<JobInfo> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select " + JOB_COLUMNS + " from jobs where id = :id")
                .bind("id", id)
                .map((rs, ctx) -> jobInfo(rs))
                .findOne());
    }

    /** Newest first. */
    public List<JobInfo> recent(int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select " + JOB_COLUMNS + " from jobs order by started_at desc, id limit :limit")
                .bind("limit", limit)
                .map((rs, ctx) -> jobInfo(rs))
                .list());
    }

    /** A full job id, or a unique prefix of one, to the job's id. */
    public UUID resolve(String idOrPrefix) {
        String prefix = idOrPrefix.trim().toLowerCase(java.util.Locale.ROOT);
        if (!ID_PREFIX.matcher(prefix).matches()) {
            throw new VmoException(ErrorCode.UNKNOWN_JOB, "\"" + idOrPrefix + "\" is not a job id (ids look like"
                    + " 3f2a9c1e-…, and any unique prefix of one works); `vmo jobs` lists recent jobs");
        }
        List<UUID> ids = jdbi.withHandle(h -> h.createQuery(
                        "select id from jobs where id::text like :prefix order by started_at desc limit 5")
                .bind("prefix", prefix + "%")
                .mapTo(UUID.class)
                .list());
        if (ids.isEmpty()) {
            throw new VmoException(ErrorCode.UNKNOWN_JOB,
                    "no job with an id starting \"" + prefix + "\"; `vmo jobs` lists recent jobs");
        }
        if (ids.size() > 1) {
            throw new VmoException(ErrorCode.AMBIGUOUS_JOB, "job id prefix \"" + prefix + "\" matches several jobs ("
                    + ids.stream().map(UUID::toString).toList() + "); type more of the id");
        }
        return ids.getFirst();
    }

    /**
     * Where to replay from so that the stored events after it, up to {@code upToSeq}, hold at least
     * {@code bytes} of output (or all of it): the seq to pass as {@code afterSeq}. Reads the events newest first
     * and only their sizes, so a long history costs no more than the tail it returns.
     */
    public long recentStart(UUID jobId, long upToSeq, long bytes) {
        return jdbi.inTransaction(h -> { // a transaction, so the fetch size makes a cursor
            long total = 0;
            try (var sizes = h.createQuery("""
                            select seq, octet_length(data) as size from job_events
                            where job_id = :job and seq <= :upTo order by seq desc
                            """)
                    .bind("job", jobId)
                    .bind("upTo", upToSeq)
                    .setFetchSize(256)
                    .map((rs, ctx) -> new long[] {rs.getLong("seq"), rs.getLong("size")})
                    .stream()) {
                for (var it = sizes.iterator(); it.hasNext(); ) {
                    long[] event = it.next();
                    total += event[1];
                    if (total >= bytes) {
                        return event[0] - 1;
                    }
                }
            }
            return 0L;
        });
    }

    /** Streams the stored events with {@code afterSeq < seq <= upToSeq}, in order, without loading them all. */
    public void events(UUID jobId, long afterSeq, long upToSeq, Consumer<Chunk> sink) {
        jdbi.useTransaction(h -> {
            try (var events = eventsQuery(h, jobId, afterSeq, upToSeq)) {
                events.forEach(sink);
            }
        });
    }

    private static java.util.stream.Stream<Chunk> eventsQuery(Handle h, UUID jobId, long afterSeq, long upToSeq) {
        return h.createQuery("""
                        select seq, ts, stream, data from job_events
                        where job_id = :job and seq > :after and seq <= :upTo order by seq
                        """)
                .bind("job", jobId)
                .bind("after", afterSeq)
                .bind("upTo", upToSeq)
                .setFetchSize(64) // a cursor: a job's history may be far larger than memory
                .map((rs, ctx) -> new Chunk(jobId, rs.getLong("seq"), LogStream.fromWire(rs.getString("stream")),
                        rs.getObject("ts", OffsetDateTime.class).toInstant(), rs.getBytes("data")))
                .stream();
    }

    private static JobInfo jobInfo(ResultSet rs) throws SQLException {
        OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
        return new JobInfo(
                rs.getObject("id", UUID.class).toString(),
                rs.getString("kind"),
                rs.getString("project"),
                rs.getString("target"),
                strings(rs.getArray("args")),
                rs.getString("vm"),
                strings(rs.getArray("command")),
                JobStatus.fromWire(rs.getString("status")),
                (Integer) rs.getObject("exit_code"),
                rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                finished == null ? null : finished.toInstant(),
                rs.getLong("last_seq"),
                rs.getBoolean("interactive"));
    }

    private static List<String> strings(Array array) throws SQLException {
        return Arrays.asList((String[]) array.getArray());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
