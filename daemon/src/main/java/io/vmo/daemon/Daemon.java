package io.vmo.daemon;

import io.vmo.daemon.access.UserDirectory;
import io.vmo.daemon.audit.AuditChain;
import io.vmo.daemon.audit.AuditEntry;
import io.vmo.daemon.audit.AuditHeadFile;
import io.vmo.daemon.audit.AuditKey;
import io.vmo.daemon.audit.AuditPruner;
import io.vmo.daemon.audit.AuditReader;
import io.vmo.daemon.audit.AuditWriter;
import io.vmo.daemon.catalog.Catalog;
import io.vmo.daemon.catalog.Registry;
import io.vmo.daemon.catalog.TargetCatalog;
import io.vmo.daemon.catalog.VmCatalog;
import io.vmo.daemon.job.JobManager;
import io.vmo.daemon.job.OrphanReaper;
import io.vmo.daemon.retention.Retention;
import io.vmo.daemon.ssh.SshExecutor;
import io.vmo.daemon.store.AuditEventStore;
import io.vmo.daemon.store.CatalogStore;
import io.vmo.daemon.store.Database;
import io.vmo.daemon.store.EventWriter;
import io.vmo.daemon.store.JobStore;
import io.vmo.daemon.store.SignInStore;
import io.vmo.daemon.store.StoreHealth;
import io.vmo.daemon.store.UserStore;
import io.vmo.daemon.terminal.PtyLauncher;
import io.vmo.daemon.tls.ServerTls;
import io.vmo.daemon.web.AuthToken;
import io.vmo.daemon.web.BrowserSessions;
import io.vmo.daemon.web.ConnectionLimits;
import io.vmo.daemon.web.HttpServer;
import io.vmo.protocol.BuildInfo;
import io.vmo.protocol.Codec;
import io.vmo.protocol.Locations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The daemon's object graph, wired in one place: store, jobs, server. Closing it stops them in reverse order. */
public final class Daemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    /**
     * What a daemon needs to start; {@link DaemonCommand} builds it from options and the environment.
     *
     * @param sshAgent the ssh-agent socket (SSH_AUTH_SOCK), or null
     * @param sshIdle how long an SSH connection no job uses stays open
     * @param connections what one client connection may take of the daemon
     * @param tls the certificate and key to serve TLS with, loaded already; null for plain HTTP (loopback only)
     */
    public record Config(
            InetSocketAddress listen,
            ServerTls tls,
            String databaseUrl,
            Locations locations,
            Duration cancelGrace,
            List<Path> executablePath,
            Path sshAgent,
            Duration sshIdle,
            ConnectionLimits connections) {}

    private final Database database;
    private final EventWriter writer;
    private final SshExecutor ssh;
    private final JobManager jobs;
    private final HttpServer server;
    private final BrowserSessions browsers;
    private final Retention retention;
    private final AuditWriter audit;
    private final AuditPruner pruner;

    private Daemon(
            Database database,
            EventWriter writer,
            SshExecutor ssh,
            JobManager jobs,
            HttpServer server,
            BrowserSessions browsers,
            Retention retention,
            AuditWriter audit,
            AuditPruner pruner) {
        this.browsers = browsers;
        this.retention = retention;
        this.audit = audit;
        this.pruner = pruner;
        this.database = database;
        this.writer = writer;
        this.ssh = ssh;
        this.jobs = jobs;
        this.server = server;
    }

    public static Daemon start(Config config) throws IOException, InterruptedException {
        Locations locations = config.locations();
        AuthToken token = AuthToken.loadOrCreate(locations.tokenFile());
        AuditChain auditChain =
                new AuditChain(AuditKey.loadOrCreate(locations.configDir().resolve("audit.key")));
        // Everything the daemon keeps there is its user's only, whatever the umask (PrivateFiles).
        Path stateDir = PrivateFiles.directory(locations.stateDir());
        // Native code is loaded only from folders no other user can write to. JNA unpacks its own library on first
        // use into jna.tmpdir (by default ~/.cache/JNA/temp, made with the umask's modes), so this comes before
        // anything uses JNA; pty4j's library is unpacked by PtyLauncher.
        System.setProperty(
                "jna.tmpdir", PrivateFiles.directory(stateDir.resolve("jna")).toString());
        var terminals = new PtyLauncher(stateDir.resolve("pty4j"));
        Clock clock = Clock.systemUTC();
        StoreHealth health = new StoreHealth(clock);
        Database database = Database.open(config.databaseUrl(), stateDir, health);
        EventWriter writer = null;
        SshExecutor ssh = null;
        JobManager jobs = null;
        AuditWriter audit = null;
        AuditPruner pruner = null;
        try {
            var auditStore = new AuditEventStore(database.jdbi());
            audit = new AuditWriter(auditStore, auditChain, new AuditHeadFile(stateDir.resolve("audit.head")), clock);
            audit.record(new AuditEntry(
                    "daemon.start",
                    null,
                    null,
                    null,
                    null,
                    AuditEntry.OK,
                    "vmo " + BuildInfo.read().describe() + " on " + config.listen() + ", "
                            + (config.tls() == null
                                    ? "no TLS"
                                    : "TLS " + config.tls().description() + " "
                                            + config.tls().fingerprint())));
            JobStore store = new JobStore(database.jdbi());
            health.probeWith(() -> {
                database.keepClaim();
                store.probe();
            });
            var orphans = store.orphans();
            if (!orphans.isEmpty()) {
                log.warn("{} job(s) were running when the daemon last stopped; marking them lost", orphans.size());
                store.markLost(new OrphanReaper(config.cancelGrace()).reap(orphans), clock.instant());
            }
            writer = database.newEventWriter(health);
            Registry registry = new Registry(locations.registry(), locations.home());
            Supplier<Settings> settings = () -> Settings.load(locations.settingsFile(), locations.home());
            pruner = new AuditPruner(audit, () -> settings.get().auditRetentionDays(), clock).start();
            var vms = new VmCatalog(settings, locations.home());
            ssh = new SshExecutor(settings, locations.home(), config.sshAgent(), config.sshIdle());
            jobs = new JobManager(
                    registry, vms, ssh, terminals, settings, store, health, writer, clock, config.cancelGrace());
            Catalog catalog = new Catalog(
                    registry,
                    new TargetCatalog(registry, config.executablePath()),
                    vms,
                    new CatalogStore(database.jdbi()),
                    clock,
                    settings);
            catalog.sync();
            BrowserSessions browsers = new BrowserSessions(clock, new SignInStore(database.jdbi()));
            UserDirectory users = new UserDirectory(clock, new UserStore(database.jdbi()));
            var retention = new Retention(database.retentionStore(), settings, clock, Thread::sleep, audit);
            HttpServer server = HttpServer.start(
                    config.listen(),
                    config.tls(),
                    config.connections(),
                    token,
                    users,
                    browsers,
                    jobs,
                    catalog,
                    new Checkup(database::facts, catalog, stateDir, ssh::knownHostsFiles, retention::storage),
                    retention,
                    health,
                    new Codec(),
                    audit,
                    new AuditReader(auditStore, auditChain, audit::kept));
            retention.startDaily();
            return new Daemon(database, writer, ssh, jobs, server, browsers, retention, audit, pruner);
        } catch (Exception e) { // Netty rethrows a BindException unchecked: close whatever started
            if (jobs != null) {
                jobs.close();
            }
            if (ssh != null) {
                ssh.close();
            }
            if (writer != null) {
                writer.close();
            }
            if (pruner != null) {
                pruner.close();
            }
            if (audit != null) {
                audit.close();
            }
            database.close();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** A one-time token for {@code /login?token=…}: how a browser signs in. */
    public String newLoginToken() {
        return browsers.newLoginToken();
    }

    @Override
    public void close() {
        server.close();
        retention.close();
        browsers.close();
        jobs.close();
        ssh.close();
        writer.close();
        pruner.close();
        audit.record(new AuditEntry("daemon.stop", null, null, null, null, AuditEntry.OK, null));
        audit.close();
        database.close();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DaemonCommand()).execute(args));
    }
}
