package io.vmo.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PostgreSQL, down for a while with requests waiting, then back: the first request after the store says it is
 * back must get a connection, not wait out the old pool's back-off (up to 5 s; see ConnectionPool).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PoolRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void aRequestRightAfterTheStoreIsBackGetsAConnection() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("postgres"))) {
            StoreHealth health = new StoreHealth(Clock.systemUTC());
            // The server's URL as an external one: no supervisor, so this test decides when it comes back.
            try (Database database = Database.open(pg.jdbcUrl(), dir.resolve("state"), health)) {
                assertThat(selectOne(database)).isEqualTo(1);

                long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("postgres/postmaster.pid"))
                        .getFirst()
                        .strip());
                ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
                health.serverDown("killed by the test");

                // 6 s of requests while it is down: the pool's creator backs off to 5 s between attempts.
                AtomicBoolean down = new AtomicBoolean(true);
                Thread asking = Thread.ofPlatform().start(() -> {
                    while (down.get()) {
                        try {
                            selectOne(database);
                        } catch (RuntimeException expected) {
                            // unavailable: that is the point
                        }
                    }
                });
                Thread.sleep(Duration.ofSeconds(6));
                down.set(false);
                asking.join();

                pg.restart();
                health.serverUp();
                long t0 = System.nanoTime();
                assertThat(selectOne(database)).isEqualTo(1);
                System.out.printf(
                        "first request after the restart answered in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            }
        }
    }

    private static int selectOne(Database database) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one());
    }
}
