package io.vmo.daemon.store;

import io.vmo.daemon.job.Chunk;
import io.vmo.daemon.job.Ending;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event writer's own session with PostgreSQL: one connection, not the pool's. What it reports as committed
 * but not yet flushed exists only in that server's memory; a server crash (a SIGKILLed postmaster, a PANIC and
 * its reset) ends every session, so this one's next write fails and the writer writes it all again. A pooled
 * connection could be swapped for a new one behind the writer's back, and the LSNs of a recovered server reuse
 * those of the commits it lost: a position alone cannot tell that a commit is gone.
 */
final class EventSink implements EventWriter.Sink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventSink.class);

    /** Opens a new session. */
    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    private final Connector connect;
    private Connection connection;

    EventSink(Connector connect) {
        this.connect = connect;
    }

    /**
     * Writes events and endings in one transaction: all or none, so a retry never half-writes; a chunk already
     * stored is skipped ("on conflict do nothing": a retry after a commit whose acknowledgement was lost is
     * harmless). Unless {@code durable}, the commit returns before its WAL is flushed. A durable one always
     * changes the probe row, so that it has WAL of its own and its commit waits for the flush (see V5).
     */
    @Override
    public EventWriter.Written write(List<Chunk> chunks, List<Ending> endings, boolean durable) throws SQLException {
        Connection c = connection();
        try {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(durable ? "set local synchronous_commit = on" : "set local synchronous_commit = off");
            }
            insertEvents(c, chunks);
            updateEndings(c, endings);
            if (durable) {
                try (Statement s = c.createStatement()) {
                    s.execute(JobStore.PROBE_WRITE);
                }
            }
            c.commit();
            c.setAutoCommit(true);
            // Read after the commit: the insert position is then at or after the commit record's end.
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "select pg_current_wal_insert_lsn() - '0/0', pg_current_wal_flush_lsn() - '0/0'")) {
                rs.next();
                return new EventWriter.Written(rs.getLong(1), rs.getLong(2));
            }
        } catch (SQLException | RuntimeException e) {
            close(); // never reuse a session that failed: the next write starts a new one, and knows it
            throw e;
        }
    }

    private static void insertEvents(Connection c, List<Chunk> chunks) throws SQLException {
        if (chunks.isEmpty()) {
            return;
        }
        // Plain JDBC: Jdbi's named-parameter batch cost three quarters of the throughput here (bench).
        try (PreparedStatement insert = c.prepareStatement("""
                insert into job_events (job_id, seq, ts, stream, data) values (?, ?, ?, ?, ?)
                on conflict (job_id, seq) do nothing
                """)) {
            for (Chunk chunk : chunks) {
                insert.setObject(1, chunk.jobId());
                insert.setLong(2, chunk.seq());
                insert.setObject(3, OffsetDateTime.ofInstant(chunk.ts(), ZoneOffset.UTC));
                insert.setString(4, chunk.stream().wireName());
                insert.setBytes(5, chunk.data());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void updateEndings(Connection c, List<Ending> endings) throws SQLException {
        if (endings.isEmpty()) {
            return;
        }
        try (PreparedStatement update =
                c.prepareStatement("update jobs set status = ?, exit_code = ?, finished_at = ? where id = ?")) {
            for (Ending e : endings) {
                update.setString(1, e.status().wireName());
                update.setObject(2, e.exitCode());
                update.setObject(3, OffsetDateTime.ofInstant(e.finishedAt(), ZoneOffset.UTC));
                update.setObject(4, e.jobId());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = connect.open();
        }
        return connection;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the writer's session: {}", e.toString());
            }
            connection = null;
        }
    }
}
