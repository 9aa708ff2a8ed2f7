package io.vmo.daemon.store;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool to PostgreSQL, migrated to the current schema (sql/) before anything uses it. */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** Any constant: the advisory lock that marks a database as one daemon's. */
    private static final long DAEMON_LOCK = 0x766d6f; // "vmo"

    /** A query that takes longer than this is given up (a stalled server must not hold a request forever). */
    private static final int SOCKET_TIMEOUT_S = 60;

    private final ConnectionPool pool;
    private final EmbeddedPostgres embedded;
    private volatile PostgresSupervisor supervisor;
    private final String jdbcUrl;
    private final Jdbi jdbi;
    private volatile Connection lockHolder;

    private Database(ConnectionPool pool, EmbeddedPostgres embedded, String jdbcUrl, Connection lockHolder) {
        this.pool = pool;
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.lockHolder = lockHolder;
        this.jdbi = Jdbi.create(pool).installPlugin(new PostgresPlugin());
    }

    /**
     * Connects to {@code url} (JDBC or libpq form), or with none starts the daemon's own PostgreSQL under
     * {@code stateDir} and watches it (restarting it when it dies); then applies the migrations.
     */
    public static Database open(String url, Path stateDir, StoreHealth health) {
        EmbeddedPostgres embedded = null;
        String jdbcUrl;
        if (url == null || url.isBlank()) {
            embedded = EmbeddedPostgres.start(stateDir.resolve("postgres"));
            jdbcUrl = embedded.jdbcUrl();
        } else {
            jdbcUrl = toJdbcUrl(url);
        }
        ConnectionPool pool = null;
        try {
            pool = connect(jdbcUrl);
            Connection lockHolder = claim(pool.openConnection(), jdbcUrl);
            if (lockHolder == null) {
                throw new StoreException("another vmo daemon is already using the database at " + redact(jdbcUrl)
                        + "; stop it first, or give this daemon a database of its own");
            }
            migrate(pool, jdbcUrl);
            Database database = new Database(pool, embedded, jdbcUrl, lockHolder);
            if (embedded != null) {
                database.supervisor = new PostgresSupervisor(embedded, health);
            }
            health.onRecovery(database::reconnect);
            return database;
        } catch (SQLException | RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e instanceof RuntimeException r
                    ? r
                    : new StoreException("cannot use the database at " + redact(jdbcUrl) + ": " + e.getMessage(), e);
        }
    }

    private static ConnectionPool connect(String jdbcUrl) {
        try {
            return new ConnectionPool(jdbcUrl, SOCKET_TIMEOUT_S);
        } catch (RuntimeException e) {
            throw new StoreException(
                    "cannot connect to PostgreSQL at " + redact(jdbcUrl) + ": " + rootMessage(e)
                            + ". Check that the server runs and the URL is right, or start vmo without --database-url to"
                            + " use its own PostgreSQL.",
                    e);
        }
    }

    /**
     * One daemon per database: a second one would mark the first one's running jobs lost. The session-level
     * advisory lock is held by one connection for the daemon's life and freed by PostgreSQL if the daemon dies.
     * Returns the connection holding it, or null (closed) when another daemon holds it.
     */
    private static Connection claim(Connection connection, String jdbcUrl) throws SQLException {
        try (var statement = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
            statement.setLong(1, DAEMON_LOCK);
            var rs = statement.executeQuery();
            if (rs.next() && rs.getBoolean(1)) {
                return connection;
            }
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        connection.close();
        return null;
    }

    /**
     * A server restart ends the session that held the lock: take it again once the server is back. Called now and
     * then by the store's health checks; cheap while the lock is held.
     */
    public void keepClaim() {
        try {
            if (lockHolder.isValid(1)) {
                return;
            }
            lockHolder.close();
            Connection again = claim(pool.openConnection(), jdbcUrl);
            if (again == null) {
                log.error(
                        "another vmo daemon took the database at {} while it was unreachable; stop one of them",
                        redact(jdbcUrl));
                return;
            }
            lockHolder = again;
            log.info("holding the database's daemon lock again");
        } catch (SQLException e) {
            log.debug("cannot take the daemon lock again yet: {}", e.toString());
        }
    }

    /**
     * After an outage (a restarted server's or an external one's): a new pool, whose dead connections are not
     * checked one by one and whose first request connects at once (ConnectionPool); then the lock, off this thread.
     */
    private void reconnect() {
        pool.renew();
        Thread.ofVirtual().name("vmo-reclaim").start(this::keepClaim);
    }

    /**
     * A connection of its own, outside the pool, for the event writer: what it committed without a flush belongs
     * to one server session, and it must notice when that session ends (see {@link EventSink}).
     */
    Connection openSession() throws SQLException {
        var properties = new java.util.Properties();
        // Lets pgjdbc send a batch of event rows as multi-row INSERTs: one round trip for many chunks.
        properties.setProperty("reWriteBatchedInserts", "true");
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_S));
        return java.sql.DriverManager.getConnection(jdbcUrl, properties);
    }

    /**
     * A connection of its own for maintenance (the prune's VACUUM), which may take longer than a pooled query may
     * and must not hold one of the pool's connections meanwhile.
     */
    Connection openMaintenanceSession() throws SQLException {
        var properties = new java.util.Properties();
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", Integer.toString(MAINTENANCE_TIMEOUT_S));
        return java.sql.DriverManager.getConnection(jdbcUrl, properties);
    }

    /** VACUUM of a table of many gigabytes takes minutes; a server that answers nothing for this long is stuck. */
    private static final int MAINTENANCE_TIMEOUT_S = 3600;

    /** The prune's reads and deletes. */
    public RetentionStore retentionStore() {
        return new RetentionStore(jdbi, this::openMaintenanceSession);
    }

    private static void migrate(ConnectionPool pool, String jdbcUrl) {
        try {
            var result = Flyway.configure()
                    .dataSource(pool.dataSource())
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            log.info(
                    "schema at version {} ({} migration(s) applied)",
                    result.targetSchemaVersion,
                    result.migrationsExecuted);
        } catch (FlywayException e) {
            pool.close();
            throw new StoreException("cannot migrate the schema of " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
    }

    /** Accepts both {@code jdbc:postgresql://…} and the libpq form {@code postgresql://user:pass@host:port/db}. */
    static String toJdbcUrl(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return url;
        }
        if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
            throw new StoreException("database URL \"" + redact(url) + "\" is not a PostgreSQL URL; use"
                    + " postgresql://user:password@host:5432/dbname or jdbc:postgresql://host:5432/dbname?user=…");
        }
        URI uri = URI.create(url);
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() > 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        if (uri.getRawUserInfo() != null) {
            String[] user = uri.getRawUserInfo().split(":", 2);
            query = (query.isEmpty() ? "" : query + "&") + "user=" + user[0]
                    + (user.length > 1 ? "&password=" + user[1] : "");
        }
        return query.isEmpty() ? jdbc.toString() : jdbc + "?" + query;
    }

    /** Database URLs may hold a password: never log or show one. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("(//[^/:@]+:)[^@/]*@", "$1***@");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** The event writer, on a session of its own with this database. */
    public EventWriter newEventWriter(StoreHealth health) {
        return new EventWriter(new EventSink(this::openSession), health, java.time.Duration.ofMillis(100));
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** What {@code vmo doctor} reports of the server: its version, and the size of vmo's database on disk. */
    public record ServerFacts(String version, long databaseBytes) {}

    public ServerFacts facts() {
        return jdbi.withHandle(
                h -> h.createQuery("select current_setting('server_version'), pg_database_size(current_database())")
                        .map((rs, ctx) -> new ServerFacts(rs.getString(1), rs.getLong(2)))
                        .one());
    }

    @Override
    public void close() {
        if (supervisor != null) {
            supervisor.close(); // before the server is stopped on purpose
        }
        try {
            lockHolder.close();
        } catch (SQLException e) {
            log.debug("closing the lock connection: {}", e.toString());
        }
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
