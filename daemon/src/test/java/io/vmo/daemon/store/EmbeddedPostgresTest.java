package io.vmo.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real PostgreSQL starts in a temporary directory (about 2-5 s each). */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedPostgresTest {

    @TempDir
    Path dir;

    @Test
    void keepsDataAcrossRestarts() throws Exception {
        Path data = dir.resolve("postgres");
        long t0 = System.nanoTime();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data)) {
            long t1 = System.nanoTime();
            System.out.printf("first start (unpack + initdb + start): %d ms%n", (t1 - t0) / 1_000_000);
            assertThat(pg.jdbcUrl()).matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/vmo\\?user=postgres&password=.+");
            execute(pg.jdbcUrl(), "CREATE TABLE t (v text)", "INSERT INTO t VALUES ('kept')");
        }
        long t2 = System.nanoTime();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data)) {
            System.out.printf("restart: %d ms%n", (System.nanoTime() - t2) / 1_000_000);
            assertThat(query(pg.jdbcUrl(), "SELECT v FROM t")).isEqualTo("kept");
            pg.close();
            pg.close(); // idempotent
        }
        assertThat(data.resolve("postmaster.pid")).doesNotExist(); // stopped cleanly
    }

    @Test
    void listensOnLoopbackOnlyAndWantsThePassword() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("postgres"))) {
            assertThat(query(pg.jdbcUrl(), "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(query(pg.jdbcUrl(), "SHOW unix_socket_directories")).isEmpty();
            assertThat(query(pg.jdbcUrl(), "SHOW fsync")).isEqualTo("on");
            assertThat(query(pg.jdbcUrl(), "SHOW synchronous_commit")).isEqualTo("on");

            int port = port(pg.jdbcUrl());
            List<InetAddress> others = NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> !a.isLoopbackAddress() && a instanceof Inet4Address)
                    .toList();
            System.out.println("non-loopback addresses tried: " + others);
            for (InetAddress address : others) {
                assertThatThrownBy(() -> {
                            try (Socket socket = new Socket()) {
                                socket.connect(new InetSocketAddress(address, port), 2000);
                            }
                        })
                        .as("connect to %s:%d", address, port)
                        .isInstanceOf(ConnectException.class);
            }

            String withoutPassword = pg.jdbcUrl().replaceAll("&password=.*", "");
            assertThatThrownBy(() -> query(withoutPassword, "SELECT 1"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password");
        }
    }

    /** The daemon and its server were both killed with SIGKILL: a stale postmaster.pid is left behind. */
    @Test
    void startsAfterTheDaemonAndItsServerWereKilled() throws Exception {
        Path data = dir.resolve("postgres");
        Child child = Child.start(data, dir);
        execute(child.jdbcUrl, "CREATE TABLE t (v text)", "INSERT INTO t VALUES ('committed before the kill')");
        List<ProcessHandle> server = serverProcesses(data);

        child.process.destroyForcibly();
        server.forEach(ProcessHandle::destroyForcibly);
        awaitDeath(Stream.concat(Stream.of(child.process.toHandle()), server.stream())
                .toList());
        assertThat(data.resolve("postmaster.pid")).exists();

        long t0 = System.nanoTime();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data)) {
            System.out.printf("start after SIGKILL (crash recovery): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(query(pg.jdbcUrl(), "SELECT v FROM t")).isEqualTo("committed before the kill");
        }
    }

    /** Only the daemon was killed with SIGKILL: its server keeps running, and the next start must stop it. */
    @Test
    void stopsAServerLeftRunningByAKilledDaemon() throws Exception {
        Path data = dir.resolve("postgres");
        Child child = Child.start(data, dir);
        execute(child.jdbcUrl, "CREATE TABLE t (v text)", "INSERT INTO t VALUES ('orphan')");
        List<ProcessHandle> server = serverProcesses(data);

        child.process.destroyForcibly();
        awaitDeath(List.of(child.process.toHandle()));
        assertThat(server.getFirst().isAlive()).isTrue();

        long t0 = System.nanoTime();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data)) {
            System.out.printf("start over a leftover server: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(server).noneMatch(ProcessHandle::isAlive);
            assertThat(query(pg.jdbcUrl(), "SELECT v FROM t")).isEqualTo("orphan");
        }
    }

    @Test
    void refusesASecondInstanceOnTheSameDirectory() {
        Path data = dir.resolve("postgres");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data)) {
            assertThatThrownBy(() -> EmbeddedPostgres.start(data))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("in use by another vmo daemon");
        }
    }

    @Test
    void failureSaysWhatToDo() throws IOException {
        Path file = Files.createFile(dir.resolve("not-a-directory"));
        assertThatThrownBy(() -> EmbeddedPostgres.start(file.resolve("postgres")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("could not start the embedded PostgreSQL in " + file.resolve("postgres"))
                .hasMessageContaining("--database-url");
    }

    /** Stands in for a daemon we can kill: {@code main} in another JVM. */
    record Child(Process process, String jdbcUrl) {

        static Child start(Path data, Path dir) throws IOException, InterruptedException {
            String java = ProcessHandle.current().info().command().orElseThrow();
            // surefire runs tests from a manifest-only jar; this property holds the real class path
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Path log = dir.resolve("child.log");
            Process process = new ProcessBuilder(
                            java, "-cp", classPath, EmbeddedPostgresTest.class.getName(), data.toString())
                    .redirectError(log.toFile())
                    .start();
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("READY ")) {
                    return new Child(process, line.substring("READY ".length()));
                }
            }
            throw new AssertionError("child exited with " + process.waitFor() + ":\n" + Files.readString(log));
        }
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedPostgres pg = EmbeddedPostgres.start(Path.of(args[0]));
        System.out.println("READY " + pg.jdbcUrl());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static List<ProcessHandle> serverProcesses(Path data) throws IOException {
        long pid = Long.parseLong(
                Files.readAllLines(data.resolve("postmaster.pid")).getFirst().strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        return Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList();
    }

    private static void awaitDeath(List<ProcessHandle> processes) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (processes.stream().anyMatch(ProcessHandle::isAlive)) {
            assertThat(System.nanoTime())
                    .as("processes still alive: %s", processes)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static int port(String jdbcUrl) {
        Matcher m = Pattern.compile(":(\\d+)/").matcher(jdbcUrl);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static void execute(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static String query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
