package io.vmo.daemon.store;

import io.vmo.daemon.RetentionPolicy;
import io.vmo.daemon.retention.Retention;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.PrunedJob;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/** What the prune reads and deletes of {@code jobs} and {@code job_events}, and the store's size. */
public final class RetentionStore implements Retention.Store {

    private final Jdbi jdbi;
    private final EventSink.Connector maintenance;

    RetentionStore(Jdbi jdbi, EventSink.Connector maintenance) {
        this.jdbi = jdbi;
        this.maintenance = maintenance;
    }

    private <T> T with(HandleCallback<T, RuntimeException> callback) {
        try {
            return jdbi.withHandle(callback);
        } catch (JdbiException e) {
            throw new StoreException(
                    "the job store is unavailable: " + StoreProblem.describe(e) + "; try again shortly", e);
        }
    }

    /**
     * A target is a make job's project and target, or a VM job's VM and command: runs of one target are ranked
     * newest first, and the first {@code keepLastPerTarget} of them stay whatever their age. Running jobs count as
     * runs (and are never candidates). The size of a job's output is read from the rows' out-of-line pointers
     * ({@code octet_length} does not fetch the data).
     */
    @Override
    public List<PrunedJob> candidates(RetentionPolicy policy, Instant cutoff) {
        return with(h -> h.createQuery("""
                        select j.id, j.kind, j.project, j.target, j.vm, j.command, j.status, j.started_at,
                               j.finished_at,
                               coalesce((select sum(octet_length(e.data)) from job_events e where e.job_id = j.id), 0)
                                   as bytes
                        from (
                            select jobs.*, row_number() over (
                                       partition by kind, project, target, vm,
                                                    case when kind = 'make' then null else command end
                                       order by started_at desc, id desc) as recency
                            from jobs
                        ) j
                        where j.status <> 'running' and j.finished_at < :cutoff and j.recency > :keep
                        order by j.finished_at, j.id
                        """)
                .bind("cutoff", cutoff.atOffset(ZoneOffset.UTC))
                .bind("keep", policy.keepLastPerTarget())
                .map((rs, ctx) -> new PrunedJob(
                        rs.getObject("id", UUID.class).toString(),
                        rs.getString("kind"),
                        rs.getString("project"),
                        rs.getString("target"),
                        rs.getString("vm"),
                        strings(rs.getArray("command")),
                        JobStatus.fromWire(rs.getString("status")),
                        rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                        instant(rs.getObject("finished_at", OffsetDateTime.class)),
                        rs.getLong("bytes")))
                .list());
    }

    /** Deletes at most {@code maxRows} of these jobs' output rows, in one transaction; returns how many it deleted. */
    @Override
    public int removeEvents(List<UUID> jobs, int maxRows) {
        return with(h -> h.inTransaction(t -> t.createQuery("""
                        with gone as (
                            delete from job_events where (job_id, seq) in (
                                select job_id, seq from job_events where job_id = any(:jobs) limit :rows
                            ) returning 1
                        )
                        select count(*) from gone
                        """)
                .bind("jobs", jobs.toArray(UUID[]::new))
                .bind("rows", maxRows)
                .mapTo(Integer.class)
                .one()));
    }

    /** Deletes the jobs' rows (their output is gone by now); never a running one. */
    @Override
    public void removeJobs(List<UUID> jobs) {
        with(h -> h.createUpdate("delete from jobs where id = any(:jobs) and status <> 'running'")
                .bind("jobs", jobs.toArray(UUID[]::new))
                .execute());
    }

    /**
     * Plain VACUUM (not FULL: that would lock the table against the writer while it copies it): marks the deleted
     * rows' space, in the table and its out-of-line (TOAST) table, free for the next output to reuse.
     */
    @Override
    public void vacuum() {
        try (Connection c = maintenance.open();
                Statement s = c.createStatement()) {
            s.execute("vacuum (analyze) job_events");
        } catch (SQLException e) {
            throw new StoreException("vacuuming the output table failed: " + StoreProblem.describe(e), e);
        }
    }

    @Override
    public Retention.Facts facts() {
        return with(h -> h.createQuery("""
                        select pg_database_size(current_database()) as database_bytes,
                               pg_total_relation_size('job_events') as output_bytes,
                               (select count(*) from jobs) as jobs,
                               oldest.id, oldest.started_at
                        from (select 1) one
                        left join lateral (
                            select id, started_at from jobs order by started_at, id limit 1
                        ) oldest on true
                        """)
                .map((rs, ctx) -> {
                    OffsetDateTime oldest = rs.getObject("started_at", OffsetDateTime.class);
                    UUID id = rs.getObject("id", UUID.class);
                    return new Retention.Facts(
                            rs.getLong("database_bytes"),
                            rs.getLong("output_bytes"),
                            rs.getLong("jobs"),
                            id == null ? null : id.toString(),
                            oldest == null ? null : oldest.toInstant());
                })
                .one());
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static List<String> strings(Array array) throws SQLException {
        return Arrays.asList((String[]) array.getArray());
    }
}
