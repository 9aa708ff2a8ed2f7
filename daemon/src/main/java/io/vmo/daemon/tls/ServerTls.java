package io.vmo.daemon.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.vmo.daemon.PrivateFiles;
import io.vmo.daemon.UnsafeFileException;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.Fingerprint;
import io.vmo.protocol.Locations;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The daemon's TLS: its certificate and key, loaded (or, self-signed, made) once at start — never on an event loop —
 * and the {@link SslHandler} each connection gets. Keys in any PEM form OpenSSL writes (PKCS#8, PKCS#1 RSA, SEC1 EC)
 * are read through BouncyCastle; an encrypted one is refused, saying how to decrypt it.
 *
 * @param description where the certificate comes from, for the start-up line
 * @param names the host names and addresses (in Host-header form: IPv6 in brackets) the certificate covers; a
 *     request's {@code Host} may name them
 */
public record ServerTls(
        SslContext context,
        X509Certificate certificate,
        String fingerprint,
        Set<String> names,
        boolean selfSigned,
        String description) {

    /**
     * Loads the operator's certificate and key, or the daemon's self-signed certificate (made on first use, to cover
     * {@code wanted}).
     *
     * @throws VmoException when a file is missing, unreadable, not PEM, encrypted, or the key is not the
     *     certificate's (the message names the file); {@link UnsafeFileException} for a key others may read
     */
    public static ServerTls load(TlsSetup setup, Locations locations, Set<String> wanted) throws IOException {
        if (setup.selfSigned()) {
            var own = OwnCertificate.loadOrCreate(locations.selfSignedCertificate(), locations.selfSignedKey(), wanted);
            return of(
                    own.key(),
                    List.of(own.certificate()),
                    true,
                    "self-signed, " + locations.selfSignedCertificate() + (own.created() ? " (made now)" : ""));
        }
        List<X509Certificate> chain = readCertificates(setup.certificate());
        PrivateKey key = readKey(setup.key(), false);
        return of(key, chain, false, setup.certificate().toString());
    }

    private static ServerTls of(PrivateKey key, List<X509Certificate> chain, boolean selfSigned, String description)
            throws IOException {
        X509Certificate leaf = chain.getFirst();
        if (!matches(key, leaf)) {
            throw new VmoException(
                    ErrorCode.BAD_REQUEST,
                    "the TLS key is not the certificate's (" + description + "): give the key the certificate was"
                            + " made for (--tls-key), and the server's certificate first in --tls-cert");
        }
        try {
            SslContext context = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
            return new ServerTls(
                    context, leaf, Fingerprint.sha256(leaf.getEncoded()), namesOf(leaf), selfSigned, description);
        } catch (SSLException | CertificateException e) {
            throw new VmoException(ErrorCode.BAD_REQUEST, "cannot serve TLS with " + description + ": " + e, e);
        }
    }

    /**
     * A connection's handler: handshakes that take longer than {@code handshakeTimeout} are closed (a client that
     * stalls mid-handshake holds nothing for longer than one that stalls its request), and the handshake's CPU work
     * (key exchange, signature) runs on {@code work}, not on the event loop the connection shares with others.
     */
    public SslHandler newHandler(ByteBufAllocator alloc, Executor work, Duration handshakeTimeout) {
        SslHandler handler = context.newHandler(alloc, work);
        handler.setHandshakeTimeoutMillis(Math.max(1, handshakeTimeout.toMillis()));
        return handler;
    }

    /**
     * What a self-signed certificate for {@code listen} covers: loopback's names, this machine's host names, and
     * the listen address — for a wildcard one, each address of the interfaces (what {@code vmo daemon} prints).
     */
    public static Set<String> wanted(InetSocketAddress listen, List<InetAddress> interfaces) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", hostForm("::1")));
        try {
            InetAddress local = InetAddress.getLocalHost();
            names.add(hostForm(local.getHostName()));
            names.add(hostForm(local.getCanonicalHostName()));
        } catch (UnknownHostException e) {
            // loopback's names only
        }
        InetAddress address = listen.getAddress();
        if (!address.isAnyLocalAddress()) {
            names.add(hostForm(literal(address)));
        } else {
            interfaces.stream()
                    .filter(a -> !a.isLinkLocalAddress())
                    .map(a -> hostForm(literal(a)))
                    .forEach(names::add);
        }
        return names;
    }

    /** The names of {@code wanted} the certificate does not cover (a self-signed one made for another address). */
    public Set<String> missing(Set<String> wanted) {
        Set<String> missing = new LinkedHashSet<>(wanted);
        missing.removeAll(names);
        return missing;
    }

    /** A name or an address as a request's Host header spells it: lower case, an IPv6 address in brackets. */
    public static String hostForm(String name) {
        String bare = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        if (bare.indexOf(':') >= 0) { // an IPv6 address, in one spelling whatever the one given
            try {
                return "[" + InetAddress.getByName(bare).getHostAddress().replaceAll("%.*", "") + "]";
            } catch (UnknownHostException e) {
                return "[" + bare + "]";
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static Set<String> namesOf(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    int type = (Integer) entry.get(0);
                    if (type == 2 || type == 7) { // dNSName, iPAddress
                        names.add(hostForm((String) entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no names: loopback still works
        }
        return Set.copyOf(names);
    }

    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) {
            return true; // cannot tell here: the handshake will
        }
        try {
            byte[] probe = "vmo".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certificate.getPublicKey());
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static List<X509Certificate> readCertificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (chain.isEmpty()) {
                throw new VmoException(ErrorCode.BAD_REQUEST, "no certificate in " + file + " (--tls-cert needs PEM)");
            }
            return chain;
        } catch (NoSuchFileException e) {
            throw new VmoException(ErrorCode.BAD_REQUEST, "no TLS certificate at " + file);
        } catch (CertificateException e) {
            throw new VmoException(
                    ErrorCode.BAD_REQUEST,
                    "cannot read the TLS certificate " + file + " (PEM expected, the server's first): "
                            + e.getMessage());
        }
    }

    /**
     * The private key in {@code file}. It must not be readable by every user (group-readable is allowed: Debian's
     * ssl-cert group); the daemon's own ({@code strict}) must be its user's alone, like the token.
     */
    static PrivateKey readKey(Path file, boolean strict) throws IOException {
        if (!Files.exists(file)) {
            throw new VmoException(ErrorCode.BAD_REQUEST, "no TLS key at " + file);
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (strict ? PrivateFiles.openToOthers(file) : perms.contains(PosixFilePermission.OTHERS_READ)) {
            throw new UnsafeFileException("the TLS key " + file + " is open to other users (mode "
                    + PrivateFiles.mode(file) + "): whoever reads it can pose as this daemon. Run `chmod "
                    + (strict ? "600" : "o-rwx") + " " + file + "` (and consider the key seen: make a new one), then"
                    + " start again");
        }
        try (PEMParser pem = new PEMParser(Files.newBufferedReader(file))) {
            var converter = new JcaPEMKeyConverter();
            for (Object object; (object = pem.readObject()) != null; ) {
                if (object instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new VmoException(
                            ErrorCode.BAD_REQUEST,
                            "the TLS key " + file + " is encrypted; the daemon starts unattended and needs it"
                                    + " unencrypted in an owner-only file: `openssl pkey -in " + file
                                    + " -out NEW.key && chmod 600 NEW.key`, then --tls-key NEW.key");
                }
            }
        } catch (VmoException e) {
            throw e;
        } catch (IOException e) {
            throw new VmoException(
                    ErrorCode.BAD_REQUEST, "cannot read the TLS key " + file + " (PEM expected): " + e.getMessage());
        }
        throw new VmoException(ErrorCode.BAD_REQUEST, "no private key in " + file + " (--tls-key needs PEM)");
    }

    /** The address as a URL's host: an IPv6 one in brackets. */
    static String literal(InetAddress address) {
        String text = address.getHostAddress().replaceAll("%.*", "");
        return address instanceof Inet6Address ? "[" + text + "]" : text;
    }
}
