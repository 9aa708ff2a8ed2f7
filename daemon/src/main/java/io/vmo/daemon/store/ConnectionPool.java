package io.vmo.daemon.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pooled connections, replaced by a new pool each time the store comes back after an outage.
 *
 * <p>Why replace it: while the server is down, Hikari's connection creator backs off, doubling from 10 ms to 5 s
 * between attempts ({@code HikariPool.PoolEntryCreator}), and it cannot be woken. So for up to 5 s after the server
 * was back, every request failed with "Connection is not available … (total=0)" although {@code /healthz} said ok
 * (a job refused right after a postmaster restart, PostgresCrashIT, one full run in three). A new pool tries at once.
 */
final class ConnectionPool implements ConnectionFactory, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConnectionPool.class);

    /**
     * How long a pooled read or write waits for a connection: a store that is down answers "unavailable" within
     * a second instead of after the pool's default half minute (the event writer retries on its own anyway).
     */
    private static final long CONNECTION_TIMEOUT_MS = 1_000;

    private final String jdbcUrl;
    private final int socketTimeoutSeconds;
    private volatile HikariDataSource current;
    private volatile boolean closed;

    /** Connects at once, giving a server that is just coming up 10 s; throws if it cannot. */
    ConnectionPool(String jdbcUrl, int socketTimeoutSeconds) {
        this.jdbcUrl = jdbcUrl;
        this.socketTimeoutSeconds = socketTimeoutSeconds;
        this.current = open(10_000);
    }

    @Override
    public Connection openConnection() throws SQLException {
        return current.getConnection();
    }

    /** For Flyway, which wants a DataSource: only before anything else uses the pool. */
    DataSource dataSource() {
        return current;
    }

    /**
     * A new pool for what comes next; the old one is closed in the background (closing waits for connections in use,
     * which are dead anyway after a restart).
     */
    synchronized void renew() {
        if (closed) {
            return;
        }
        HikariDataSource old = current;
        current = open(-1); // connects on first use, not here: this runs on the thread that saw the store come back
        Thread.ofVirtual().name("vmo-pool-close").start(old::close);
        log.info("new connection pool after the store came back");
    }

    @Override
    public synchronized void close() {
        closed = true;
        current.close();
    }

    private HikariDataSource open(long initializationFailTimeoutMs) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("vmo");
        // One holds the daemon lock; viewers reading history take at most SharedPages.STORE_READERS; the rest serve
        // requests, which wait at most a second for one (a burst of 50 joins exhausted 8 at that limit).
        config.setMaximumPoolSize(16);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        config.setInitializationFailTimeout(initializationFailTimeoutMs);
        config.addDataSourceProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        // Results in binary from a statement's first run: by default pgjdbc asks for text until a statement has
        // run 5 times on a connection, and a bytea in text is hex, twice its size, decoded char by char. Viewers
        // that fell behind read output through these connections; while each was still new, a flood's client
        // that fell off the tail read the store slower than the job wrote and never caught up (bench throughput:
        // 48-80 MB/s, 93-115 with this).
        config.addDataSourceProperty("prepareThreshold", "-1");
        return new HikariDataSource(config);
    }
}
