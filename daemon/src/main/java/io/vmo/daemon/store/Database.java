package io.vmo.daemon.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.nio.file.Path;
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

    private final HikariDataSource pool;
    private final EmbeddedPostgres embedded;
    private final Connection lockHolder;
    private final Jdbi jdbi;

    private Database(HikariDataSource pool, EmbeddedPostgres embedded, Connection lockHolder) {
        this.pool = pool;
        this.embedded = embedded;
        this.lockHolder = lockHolder;
        this.jdbi = Jdbi.create(pool).installPlugin(new PostgresPlugin());
    }

    /**
     * Connects to {@code url} (JDBC or libpq form), or with none starts the daemon's own PostgreSQL under
     * {@code stateDir}; then applies the migrations.
     */
    public static Database open(String url, Path stateDir) {
        EmbeddedPostgres embedded = null;
        String jdbcUrl;
        if (url == null || url.isBlank()) {
            embedded = EmbeddedPostgres.start(stateDir.resolve("postgres"));
            jdbcUrl = embedded.jdbcUrl();
        } else {
            jdbcUrl = toJdbcUrl(url);
        }
        try {
            HikariDataSource pool = connect(jdbcUrl);
            Connection lockHolder = claim(pool, jdbcUrl);
            migrate(pool, jdbcUrl);
            return new Database(pool, embedded, lockHolder);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    private static HikariDataSource connect(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("vmo");
        config.setMaximumPoolSize(6);
        config.setConnectionTimeout(10_000);
        // Lets pgjdbc send a batch of event rows as multi-row INSERTs: one round trip for many chunks.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to PostgreSQL at " + redact(jdbcUrl) + ": " + rootMessage(e)
                    + ". Check that the server runs and the URL is right, or start vmo without --database-url to"
                    + " use its own PostgreSQL.", e);
        }
    }

    /**
     * One daemon per database: a second one would mark the first one's running jobs lost. The session-level
     * advisory lock is held by one connection for the daemon's life and freed by PostgreSQL if the daemon dies.
     */
    private static Connection claim(HikariDataSource pool, String jdbcUrl) {
        try {
            Connection connection = pool.getConnection();
            try (var statement = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
                statement.setLong(1, DAEMON_LOCK);
                var rs = statement.executeQuery();
                if (rs.next() && rs.getBoolean(1)) {
                    return connection;
                }
            }
            connection.close();
            pool.close();
            throw new StoreException("another vmo daemon is already using the database at " + redact(jdbcUrl)
                    + "; stop it first, or give this daemon a database of its own");
        } catch (SQLException e) {
            pool.close();
            throw new StoreException("cannot use the database at " + redact(jdbcUrl) + ": " + e.getMessage(), e);
        }
    }

    private static void migrate(HikariDataSource pool, String jdbcUrl) {
        try {
            var result = Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            log.info("schema at version {} ({} migration(s) applied)", result.targetSchemaVersion,
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

    public Jdbi jdbi() {
        return jdbi;
    }

    @Override
    public void close() {
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
