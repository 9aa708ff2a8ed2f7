package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pty4j.PtyProcess;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the daemon makes of its files and its address when it starts: under {@code umask 000} everything it creates
 * is still its user's only, the pty4j library it loads is its own unmodified copy, a token file others can read
 * stops it, and an address other machines can reach needs the operator's explicit word.
 */
@ExtendWith(SharedPostgres.Resolver.class)
class StartupSafetyIT {

    private static final String LIBPTY = "linux/x86-64/libpty.so";
    private static final Pattern URL = Pattern.compile("https?://[^ ;)]+");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = Set.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    @Test
    void underUmask000EverythingTheDaemonCreatesIsItsUsersOnly(@TempDir Path tmp) throws Exception {
        Path home = tmp.resolve("home");
        // Where libraries unpack what they load or run: the JVM's temporary directory, and JNA's default cache.
        Path javaTmp = Files.createDirectories(home.resolve("tmp"));
        Map<String, String> env = Map.of(
                "VMO_DAEMON_JAVA_OPTS",
                "-Djava.io.tmpdir=" + javaTmp,
                "XDG_CACHE_HOME",
                home.resolve(".cache").toString());
        try (TestDaemon daemon = TestDaemon.startWithUmask("000", home, null, env)) { // its own PostgreSQL
            daemon.addProject("vm", "hello:\n\t@echo hello from a terminal\n");
            assertThat(daemon.run("run", "vm", "hello").out()).isEqualTo("hello from a terminal\n");
            runInATerminal(daemon); // loads JNA and pty4j's library

            List<String> open = new ArrayList<>();
            // The test made home, tmp, .config and .config/mkcli; the daemon everything else.
            for (Path root :
                    List.of(home.resolve(".local"), home.resolve(".config/vmo"), javaTmp, home.resolve(".cache"))) {
                open.addAll(openToOthers(root, !root.equals(javaTmp)));
            }
            assertThat(open)
                    .as("what the daemon created under umask 000 that others may use")
                    .isEmpty();
            Path state = home.resolve(".local/state/vmo");
            assertThat(mode(state)).isEqualTo("rwx------");
            assertThat(mode(state.resolve("pty4j/" + LIBPTY))).isEqualTo("rw-------");
            assertThat(mode(state.resolve("pg-runtime/postgres.log"))).isEqualTo("rw-------");
            assertThat(mode(daemon.postgresData())).isEqualTo("rwx------");
            assertThat(mode(daemon.tokenFile())).isEqualTo("rw-------");
            assertThat(home.resolve(".cache/JNA"))
                    .as("JNA unpacks into the state dir instead")
                    .doesNotExist();
        }
    }

    @Test
    void aPty4jLibraryOthersCouldHaveChangedIsUnpackedAfresh(SharedPostgres postgres, @TempDir Path tmp)
            throws Exception {
        Path home = tmp.resolve("home");
        String databaseUrl = postgres.newDatabase();
        Path pty4j = home.resolve(".local/state/vmo/pty4j");
        Path library = pty4j.resolve(LIBPTY);
        try (TestDaemon daemon = TestDaemon.startWithUmask("000", home, databaseUrl, Map.of())) {
            assertThat(library).isRegularFile();
        }
        // As an earlier version left it under umask 000, and as another local user could then have changed it.
        for (Path p : List.of(pty4j, pty4j.resolve("linux"), library.getParent())) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        Files.write(library, "not the library".getBytes());
        Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rw-rw-rw-"));

        try (TestDaemon daemon = TestDaemon.startWithUmask("000", home, databaseUrl, Map.of())) {
            assertThat(Files.readAllBytes(library))
                    .as("libpty.so as pty4j's jar has it")
                    .isEqualTo(bundledLibpty());
            assertThat(openToOthers(home.resolve(".local"), true)).isEmpty();
            assertThat(daemon.log()).contains("unpacking pty4j's native library there afresh");
            daemon.addProject("vm", "hello:\n\t@echo hello from a terminal\n");
            runInATerminal(daemon);
        }
    }

    @Test
    void aTokenFileOthersCanReadStopsTheDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        Path home = tmp.resolve("home");
        Path token = Files.createDirectories(home.resolve(".config/vmo")).resolve("token");
        Files.writeString(token, "a-token-others-have-read\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));

        var result = Vmo.run(
                Vmo.command(
                        home,
                        Map.of(),
                        List.of("daemon", "--listen", "127.0.0.1:0", "--database-url", postgres.newDatabase())),
                Duration.ofSeconds(60));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.err())
                .contains("the token file " + token + " is open to other users (mode 0644)")
                .contains("`chmod 600 " + token + "`");
        assertThat(result.out()).doesNotContain("listening");
        assertThat(Files.readString(token)).as("left as it was").isEqualTo("a-token-others-have-read\n");
    }

    @Test
    void aNetworkAddressIsRefusedWithoutTls(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        var result = Vmo.run(
                Vmo.command(
                        tmp.resolve("home"),
                        Map.of(),
                        List.of("daemon", "--listen", "0.0.0.0:0", "--database-url", postgres.newDatabase())),
                Duration.ofSeconds(60));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err())
                .contains("--listen 0.0.0.0:0 can be reached from other machines")
                .contains("plaintext")
                .contains("--tls self-signed")
                .contains("--tls-cert FILE --tls-key FILE");
        assertThat(result.out()).doesNotContain("listening");

        var old = Vmo.run(
                Vmo.command(
                        tmp.resolve("home"),
                        Map.of(),
                        List.of("daemon", "--listen", "0.0.0.0:0", "--insecure-plaintext-on-network")),
                Duration.ofSeconds(60));
        assertThat(old.exitCode()).as(old.toString()).isEqualTo(2);
        assertThat(old.err())
                .contains("--insecure-plaintext-on-network is gone")
                .contains("--tls self-signed");
    }

    /**
     * On a wildcard address with its self-signed certificate, every URL it prints works over TLS with the name
     * checked: the certificate covers each address it prints.
     */
    @Test
    void withTlsItPrintsHttpsUrlsThatWork(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        try (TestDaemon daemon = TestDaemon.start(
                tmp.resolve("home"), postgres.newDatabase(), "--listen", "0.0.0.0:0", "--tls", "self-signed")) {
            String line = daemon.listeningLine();
            assertThat(line).doesNotContain("0:0:0:0").doesNotContain("0.0.0.0").contains("every interface");
            List<String> urls = URL.matcher(line)
                    .results()
                    .map(java.util.regex.MatchResult::group)
                    .toList();
            System.out.println("printed: " + line);
            assertThat(urls.getFirst()).startsWith("https://127.0.0.1:");
            HttpClient https = HttpClient.newBuilder()
                    .sslContext(trusting(daemon.home().resolve(".config/vmo/tls/self-signed.crt")))
                    .build();
            for (String url : urls) {
                assertThat(url).startsWith("https://");
                var health = https.send(
                        HttpRequest.newBuilder(URI.create(url + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as(url).isEqualTo(200);
                var jobs = https.send(
                        HttpRequest.newBuilder(URI.create(url + "/api/jobs"))
                                .header("Authorization", "Bearer " + daemon.token())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(jobs.statusCode()).as(url + " " + jobs.body()).isEqualTo(200);
            }
        }
    }

    /** TLS that trusts this one certificate, names checked as for any. */
    private static javax.net.ssl.SSLContext trusting(Path pem) throws Exception {
        var store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            store.setCertificateEntry(
                    "daemon",
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        var factory =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        var context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** An interactive job, which needs JNA and pty4j's library loaded. */
    private static void runInATerminal(TestDaemon daemon) throws Exception {
        try (TerminalClient client = TerminalClient.connect(daemon)) {
            var started = client.call(
                    InteractiveIT.execute("hello", ",\"interactive\":true,\"cols\":80,\"rows\":24"),
                    Response.JobStarted.class);
            client.call(InteractiveIT.attach(started.job().id(), ""), Response.JobJoined.class);
            assertThat(client.awaitDone().status()).as(client.screen()).isEqualTo(JobStatus.SUCCESS);
            assertThat(client.screen()).contains("hello from a terminal");
        }
    }

    /**
     * Every file and directory under root (root too, if asked) that group or others have any permission on. A file
     * that goes while it is looked at is skipped: the daemon replaces some as it runs (audit.head via audit.head.new,
     * which PrivateFiles makes 0600 from the start), and the walk met one between its listing and its check.
     */
    private static List<String> openToOthers(Path root, boolean withRoot) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        List<String> open = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                check(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                check(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            private void check(Path p) throws IOException {
                if ((!withRoot && p.equals(root)) || Files.isSymbolicLink(p)) {
                    return; // a link's own mode means nothing
                }
                try {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                    if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                        open.add(PosixFilePermissions.toString(perms) + " " + p);
                    }
                } catch (NoSuchFileException gone) {
                    // replaced meanwhile
                }
            }
        });
        return open;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static byte[] bundledLibpty() throws IOException {
        try (InputStream in = PtyProcess.class.getResourceAsStream("/resources/com/pty4j/native/" + LIBPTY)) {
            return in.readAllBytes();
        }
    }
}
