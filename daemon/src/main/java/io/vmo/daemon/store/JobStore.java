package io.vmo.daemon.store;

import io.vmo.daemon.job.Chunk;
import io.vmo.daemon.job.JobRecord;
import io.vmo.daemon.job.JobRepository;
import io.vmo.daemon.job.OrphanReaper;
import io.vmo.daemon.job.ProcessStamp;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Provenance;
import io.vmo.protocol.VmoException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/** Every read and write of the {@code jobs} and {@code job_events} tables. */
public final class JobStore implements JobRepository {

    private static final Pattern ID_PREFIX = Pattern.compile("[0-9a-f-]{1,36}");
    private static final String JOB_COLUMNS = """
            id, kind, project, target, args, vm, command, status, exit_code, started_at, finished_at, interactive,
            requested_by, client, client_version, peer, os_user, os_host,
            coalesce((select max(seq) from job_events e where e.job_id = jobs.id), 0) as last_seq
            """;

    private final Jdbi jdbi;

    public JobStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Runs a statement; a store that cannot answer becomes a {@link StoreException} saying why. */
    private <T> T with(HandleCallback<T, RuntimeException> callback) {
        try {
            return jdbi.withHandle(callback);
        } catch (JdbiException e) {
            throw new StoreException(
                    "the job store is unavailable: " + StoreProblem.describe(e)
                            + "; vmo retries by itself, so try again shortly",
                    e);
        }
    }

    @Override
    public void insert(JobRecord job) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into jobs (id, kind, project, target, args, vm, command, cwd, status, pid,
                                          pid_boot_id, pid_start_ticks, started_at, interactive,
                                          requested_by, client, client_version, peer, os_user, os_host)
                        values (:id, :kind, :project, :target, :args, :vm, :command, :cwd, 'running', :pid,
                                :bootId, :startTicks, :startedAt, :interactive,
                                :user, :client, :clientVersion, :peer, :osUser, :osHost)
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
                .bind("bootId", job.stamp() == null ? null : job.stamp().bootId())
                .bind("startTicks", job.stamp() == null ? null : job.stamp().startTicks())
                .bind("startedAt", utc(job.startedAt()))
                .bind("interactive", job.interactive())
                .bind("user", job.provenance().user())
                .bind("client", job.provenance().client())
                .bind("clientVersion", job.provenance().clientVersion())
                .bind("peer", job.provenance().peer())
                .bind("osUser", job.provenance().osUser())
                .bind("osHost", job.provenance().osHost())
                .execute());
    }

    /** Jobs a previous daemon left {@code running}, with the process each recorded (null for none). */
    public List<OrphanReaper.Orphan> orphans() {
        return with(h -> h.createQuery("""
                        select id, pid, pid_boot_id, pid_start_ticks from jobs where status = 'running'
                        """)
                .map((rs, ctx) -> {
                    long pid = rs.getLong("pid");
                    boolean stamped = !rs.wasNull() && rs.getString("pid_boot_id") != null;
                    return new OrphanReaper.Orphan(
                            rs.getObject("id", UUID.class),
                            stamped
                                    ? new ProcessStamp(pid, rs.getString("pid_boot_id"), rs.getLong("pid_start_ticks"))
                                    : null);
                })
                .list());
    }

    /**
     * Jobs a previous daemon left {@code running} can no longer be watched: marks each {@code lost}, with a
     * {@code system} event saying so, what may be missing, and {@code found} (what was found of its processes).
     */
    public void markLost(Map<UUID, String> found, Instant now) {
        jdbi.useTransaction(h -> {
            for (var job : found.entrySet()) {
                h.createUpdate("""
                                with lost as (
                                    update jobs set status = 'lost', finished_at = :now
                                    where id = :id and status = 'running' returning id
                                ), last as (
                                    select max(seq) as seq, max(ts) as ts from job_events where job_id = :id
                                )
                                insert into job_events (job_id, seq, ts, stream, data)
                                select lost.id, coalesce(last.seq, 0) + 1, :now, 'system',
                                       convert_to('vmo: the daemon stopped while this job was running (it was'
                                           || ' killed or crashed); marked lost when it started again at '
                                           || :nowText || '. Its output is kept up to '
                                           || coalesce('seq ' || last.seq || ' (' || last.ts || ')', 'its start')
                                           || '; what it wrote after that may be missing: the daemon may have'
                                           || ' read it but not stored it yet. ' || :found || E'\n', 'UTF8')
                                from lost, last
                                """)
                        .bind("id", job.getKey())
                        .bind("now", utc(now))
                        .bind("nowText", now.toString())
                        .bind("found", job.getValue())
                        .execute();
            }
        });
    }

    /** The write a durable batch and a health probe share: it always changes a row, so it always has WAL. */
    static final String PROBE_WRITE = """
            insert into store_probe (id, beat) values (1, 1)
            on conflict (id) do update set beat = store_probe.beat + 1
            """;

    /** Writes the probe row and waits for its flush: whether the store accepts writes right now. */
    public void probe() {
        jdbi.useHandle(h -> h.execute(PROBE_WRITE));
    }

    @Override
    public Optional<JobInfo> find(UUID id) {
        return with(h -> h.createQuery("select " + JOB_COLUMNS + " from jobs where id = :id")
                .bind("id", id)
                .map((rs, ctx) -> jobInfo(rs))
                .findOne());
    }

    /** Newest first; only {@code user}'s jobs, unless it is null (index {@code jobs_requested_by}). */
    @Override
    public List<JobInfo> recent(int limit, String user) {
        return with(h -> h.createQuery("select " + JOB_COLUMNS
                        + " from jobs where (cast(:user as text) is null or requested_by = :user)"
                        + " order by started_at desc, id limit :limit")
                .bind("limit", limit)
                .bind("user", user)
                .map((rs, ctx) -> jobInfo(rs))
                .list());
    }

    /** A full job id, or a unique prefix of one, to the job's id. */
    @Override
    public UUID resolve(String idOrPrefix) {
        String prefix = idOrPrefix.trim().toLowerCase(java.util.Locale.ROOT);
        if (!ID_PREFIX.matcher(prefix).matches()) {
            throw new VmoException(
                    ErrorCode.UNKNOWN_JOB,
                    "\"" + idOrPrefix + "\" is not a job id (ids look like"
                            + " 3f2a9c1e-…, and any unique prefix of one works); `vmo jobs` lists recent jobs");
        }
        List<UUID> ids = with(
                h -> h.createQuery("select id from jobs where id::text like :prefix order by started_at desc limit 5")
                        .bind("prefix", prefix + "%")
                        .mapTo(UUID.class)
                        .list());
        if (ids.isEmpty()) {
            throw new VmoException(
                    ErrorCode.UNKNOWN_JOB,
                    "no job with an id starting \"" + prefix + "\"; `vmo jobs` lists recent jobs");
        }
        if (ids.size() > 1) {
            throw new VmoException(
                    ErrorCode.AMBIGUOUS_JOB,
                    "job id prefix \"" + prefix + "\" matches several jobs ("
                            + ids.stream().map(UUID::toString).toList() + "); type more of the id");
        }
        return ids.getFirst();
    }

    /**
     * Where to replay from so that the stored events after it, up to {@code upToSeq}, hold at least
     * {@code bytes} of output (or all of it): the seq to pass as {@code afterSeq}. Reads the events newest first
     * and only their sizes, so a long history costs no more than the tail it returns.
     */
    @Override
    public long recentStart(UUID jobId, long upToSeq, long bytes) {
        return with(handle -> handle.inTransaction(
                h -> { // a transaction, so the fetch size makes a cursor
                    long total = 0;
                    try (var sizes = h
                            .createQuery("""
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
                }));
    }

    /**
     * The stored events with {@code afterSeq < seq <= upToSeq}, in order, at most {@code limit} of them: a page. A
     * long history is read page by page, so a slow reader holds no connection while it waits.
     */
    @Override
    public List<Chunk> events(UUID jobId, long afterSeq, long upToSeq, int limit) {
        return with(h -> h.createQuery("""
                        select seq, ts, stream, data from job_events
                        where job_id = :job and seq > :after and seq <= :upTo order by seq limit :limit
                        """)
                .bind("job", jobId)
                .bind("after", afterSeq)
                .bind("upTo", upToSeq)
                .bind("limit", limit)
                .map((rs, ctx) -> new Chunk(
                        jobId,
                        rs.getLong("seq"),
                        LogStream.fromWire(rs.getString("stream")),
                        rs.getObject("ts", OffsetDateTime.class).toInstant(),
                        rs.getBytes("data")))
                .list());
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
                rs.getBoolean("interactive"),
                new Provenance(
                        rs.getString("requested_by"),
                        rs.getString("client"),
                        rs.getString("client_version"),
                        rs.getString("peer"),
                        rs.getString("os_user"),
                        rs.getString("os_host")));
    }

    private static List<String> strings(Array array) throws SQLException {
        return Arrays.asList((String[]) array.getArray());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
