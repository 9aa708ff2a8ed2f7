package io.vmo.e2e;

import io.vmo.daemon.store.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real PostgreSQL for the whole test JVM (it takes seconds to start); each daemon under test gets a fresh
 * database of its own on it, as a user with {@code --database-url} would. Tests receive it as a parameter through
 * {@code @ExtendWith(SharedPostgres.Resolver.class)}.
 */
public final class SharedPostgres implements ExtensionContext.Store.CloseableResource {

    private static final AtomicInteger databases = new AtomicInteger();

    private final Path dir;
    private final EmbeddedPostgres server;

    private SharedPostgres() throws IOException {
        dir = Files.createTempDirectory("vmo-test-pg");
        server = EmbeddedPostgres.start(dir.resolve("data"));
    }

    /** Injects the run's instance into test and lifecycle methods. */
    public static final class Resolver implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == SharedPostgres.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return get(context);
        }
    }

    /** The instance of this test run, started on first use and stopped when the run ends. */
    static SharedPostgres get(ExtensionContext context) {
        return context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(
                        SharedPostgres.class,
                        k -> {
                            try {
                                return new SharedPostgres();
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        },
                        SharedPostgres.class);
    }

    /** A JDBC URL of a new, empty database. */
    public String newDatabase() {
        String name = "vmo_test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (var connection = DriverManager.getConnection(server.jdbcUrl());
                var statement = connection.createStatement()) {
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return server.jdbcUrl().replace("/vmo?", "/" + name + "?");
    }

    /** A JDBC URL of the server's own database "vmo", as the superuser: for tests that administer the server. */
    public String adminUrl() {
        return server.jdbcUrl();
    }

    @Override
    public void close() {
        server.close();
        // A run's cluster and unpacked binaries are ~140 MB: without this, every test run left them in /tmp.
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: it is a temporary directory
        }
    }
}
