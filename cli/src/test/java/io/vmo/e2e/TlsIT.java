package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vmo.protocol.Fingerprint;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS end to end, with real handshakes between a real daemon and the real CLI (and java.net.http as a browser):
 * a CA-signed certificate verified with --ca, by name; a name it does not cover refused; an unknown CA refused, not
 * pinned; a self-signed daemon pinned on first use and its changed certificate refused with both fingerprints; the
 * session cookie Secure and a browser's wss:// upgrade from the https origin accepted.
 */
@ExtendWith(SharedPostgres.Resolver.class)
class TlsIT {

    @Test
    void aCaSignedDaemonIsVerifiedByItsCaAndName(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        KeyPair caKeys = keys();
        X509Certificate ca = certificate("CN=vmo test CA", caKeys, "CN=vmo test CA", caKeys, true, List.of());
        KeyPair serverKeys = keys();
        X509Certificate server =
                certificate("CN=localhost", serverKeys, "CN=vmo test CA", caKeys, false, List.of("localhost"));
        Path caFile = write(tmp.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));
        Path certFile = write(tmp.resolve("server.pem"), pem("CERTIFICATE", server.getEncoded()));
        Path keyFile = write(
                tmp.resolve("server.key"),
                pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));

        try (TestDaemon daemon = TestDaemon.start(
                tmp.resolve("home"),
                postgres.newDatabase(),
                "--tls-cert",
                certFile.toString(),
                "--tls-key",
                keyFile.toString(),
                "--request-timeout",
                "3")) {
            daemon.addProject("web", "quick:\n\t@echo hi over tls\n");
            int port = Integer.parseInt(daemon.address().replaceAll(".*:", ""));
            String url = "https://localhost:" + port;
            assertThat(daemon.listeningLine()).contains("listening on https://127.0.0.1:" + port);

            var jobs = vmo(daemon, Map.of("VMO_DAEMON", url, "VMO_CA", caFile.toString()), "jobs");
            assertThat(jobs.exitCode()).as(jobs.toString()).isZero();
            var run = vmo(daemon, Map.of("VMO_DAEMON", url), "run", "web", "quick", "--ca", caFile.toString());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).isEqualTo("hi over tls\n");

            // The same certificate reached by a name it does not cover.
            var wrongName =
                    vmo(daemon, Map.of("VMO_CA", caFile.toString()), "jobs", "--daemon", "https://127.0.0.1:" + port);
            assertThat(wrongName.exitCode()).as(wrongName.toString()).isEqualTo(2);
            assertThat(wrongName.err())
                    .contains("the daemon's certificate does not cover 127.0.0.1 (it is for localhost)")
                    .contains("--daemon https://NAME:" + port);
            // A CA this machine does not know, and no --ca: refused, and nothing pinned (only self-signed is).
            var unknownCa = vmo(daemon, Map.of("VMO_DAEMON", url), "jobs");
            assertThat(unknownCa.exitCode()).as(unknownCa.toString()).isEqualTo(2);
            assertThat(unknownCa.err())
                    .contains("signed by a CA this machine does not trust")
                    .contains("--ca FILE");
            assertThat(daemon.home().resolve(".config/vmo/known_daemons")).doesNotExist();
            // Plain HTTP to it: told to use https.
            var plain = vmo(daemon, Map.of("VMO_DAEMON", "localhost:" + port), "jobs");
            assertThat(plain.exitCode()).as(plain.toString()).isEqualTo(2);
            assertThat(plain.err()).contains("speaks only TLS: use https://");

            // A client that stalls in its handshake holds its connection no longer than the request deadline.
            try (var stalled = new java.net.Socket("127.0.0.1", port)) {
                stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00}); // a record, then nothing
                stalled.setSoTimeout(15_000);
                long start = System.nanoTime();
                int read;
                try {
                    read = stalled.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    read = -1;
                }
                assertThat(read).as("closed, nothing sent").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            }

            // The browser's side: an https login link, a Secure cookie, wss:// from the https origin only.
            var ui = vmo(daemon, Map.of("VMO_DAEMON", url, "VMO_CA", caFile.toString()), "ui");
            assertThat(ui.exitCode()).as(ui.toString()).isZero();
            String link = ui.out().strip();
            assertThat(link).startsWith(url + "/login?token=");
            HttpClient browser =
                    HttpClient.newBuilder().sslContext(trusting(ca)).build();
            var login = browser.send(
                    HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(303);
            String setCookie = login.headers().firstValue("set-cookie").orElseThrow();
            assertThat(setCookie).contains("; Secure").contains("; HTTPOnly").contains("; SameSite=Strict");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            WebSocket socket = browser.newWebSocketBuilder()
                    .header("Cookie", cookie)
                    .header("Origin", url)
                    .buildAsync(URI.create("wss://localhost:" + port + "/ws"), new WebSocket.Listener() {})
                    .get(10, TimeUnit.SECONDS);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            Throwable plainOrigin = catchThrowable(() -> browser.newWebSocketBuilder()
                    .header("Cookie", cookie)
                    .header("Origin", "http://localhost:" + port)
                    .buildAsync(URI.create("wss://localhost:" + port + "/ws"), new WebSocket.Listener() {})
                    .get(10, TimeUnit.SECONDS));
            assertThat(plainOrigin).hasCauseInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) plainOrigin.getCause())
                            .getResponse()
                            .statusCode())
                    .isEqualTo(403);
        }
    }

    @Test
    void aSelfSignedDaemonIsPinnedOnFirstUseAndAChangedCertificateRefused(SharedPostgres postgres, @TempDir Path tmp)
            throws Exception {
        Path home = tmp.resolve("home");
        String database = postgres.newDatabase();
        String listen = "127.0.0.1:" + TestDaemon.freePort();
        String url = "https://" + listen;
        Path known = home.resolve(".config/vmo/known_daemons");
        String first;
        try (TestDaemon daemon = TestDaemon.start(home, database, "--listen", listen, "--tls", "self-signed")) {
            first = fingerprint(home.resolve(".config/vmo/tls/self-signed.crt"));
            assertThat(Files.getPosixFilePermissions(home.resolve(".config/vmo/tls/self-signed.key")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(daemon.log()).doesNotContain("does not cover");

            var pinning = vmo(daemon, Map.of("VMO_DAEMON", url), "jobs");
            assertThat(pinning.exitCode()).as(pinning.toString()).isZero();
            assertThat(pinning.err())
                    .contains("has a self-signed certificate, " + first + "; pinned it for " + listen + " in " + known);
            assertThat(Files.readString(known)).contains(listen + " " + first + "\n");
            assertThat(Files.getPosixFilePermissions(known)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            var again = vmo(daemon, Map.of("VMO_DAEMON", url), "jobs");
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(again.err()).isEmpty();
        }
        // The certificate made anew: same address, another certificate.
        Files.delete(home.resolve(".config/vmo/tls/self-signed.crt"));
        Files.delete(home.resolve(".config/vmo/tls/self-signed.key"));
        try (TestDaemon daemon = TestDaemon.start(home, database, "--listen", listen, "--tls", "self-signed")) {
            String second = fingerprint(home.resolve(".config/vmo/tls/self-signed.crt"));
            assertThat(second).isNotEqualTo(first);
            var refused = vmo(daemon, Map.of("VMO_DAEMON", url), "jobs");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
            assertThat(refused.err())
                    .contains("presents a certificate other than the one pinned for it")
                    .contains("pinned " + first + " (" + known + ", line 2)")
                    .contains("presented " + second)
                    .contains("delete line 2 of " + known);
            // Accepting it as the message says: the line deleted, the next use pins the new one.
            List<String> lines = Files.readAllLines(known);
            Files.write(known, lines.subList(0, 1));
            var accepted = vmo(daemon, Map.of("VMO_DAEMON", url), "jobs");
            assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
            assertThat(Files.readString(known)).contains(listen + " " + second);
        }
    }

    private static Vmo.Result vmo(TestDaemon daemon, Map<String, String> env, String... args) throws Exception {
        return Vmo.run(Vmo.command(daemon.home(), env, List.of(args)), Duration.ofSeconds(60));
    }

    private static String fingerprint(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return Fingerprint.sha256(CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)
                    .getEncoded());
        }
    }

    private static SSLContext trusting(X509Certificate ca) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(
            String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, boolean ca, List<String> names)
            throws Exception {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(
                new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))),
                new X500Name(subject),
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(names.stream()
                            .map(n -> new GeneralName(GeneralName.dNSName, n))
                            .toArray(GeneralName[]::new)));
        }
        return new JcaX509CertificateConverter()
                .getCertificate(
                        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Path write(Path file, String text) throws Exception {
        Files.writeString(file, text);
        return file;
    }
}
