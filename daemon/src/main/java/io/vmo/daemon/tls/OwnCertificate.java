package io.vmo.daemon.tls;

import io.vmo.daemon.PrivateFiles;
import io.vmo.daemon.UnsafeFileException;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The daemon's own certificate for {@code --tls self-signed}: made on the first start that asks for it and kept in
 * the config directory (the folder 0700, the key 0600), so its fingerprint — what clients pin — stays the same
 * across restarts. An ECDSA P-256 key (made in milliseconds; every browser and TLS stack takes it). Valid 825 days:
 * the longest Apple's platforms accept for a certificate a user trusts by hand; the CLI pins the certificate itself
 * and does not look at its dates. A new one is made only when the files are gone.
 *
 * @param created whether it was made by this call
 */
record OwnCertificate(X509Certificate certificate, PrivateKey key, boolean created) {

    static final Duration VALIDITY = Duration.ofDays(825);

    static OwnCertificate loadOrCreate(Path certificateFile, Path keyFile, Set<String> names) throws IOException {
        if (Files.exists(certificateFile) && Files.exists(keyFile)) {
            if (!PrivateFiles.ownedByUs(keyFile)) {
                throw new UnsafeFileException("the TLS key " + keyFile + " belongs to " + Files.getOwner(keyFile)
                        + ", not to the user this daemon runs as. Delete it and " + certificateFile
                        + " (a new certificate is made at start; clients then have to accept its fingerprint)");
            }
            PrivateKey key = ServerTls.readKey(keyFile, true);
            return new OwnCertificate(
                    ServerTls.readCertificates(certificateFile).getFirst(), key, false);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X509Certificate certificate = certificate(pair, names);
            PrivateFiles.directory(certificateFile.getParent());
            // The key first, created 0600 in a private folder: a certificate is never there without its key.
            PrivateFiles.write(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            PrivateFiles.write(certificateFile, pem("CERTIFICATE", certificate.getEncoded()));
            return new OwnCertificate(certificate, pair.getPrivate(), true);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new VmoException(ErrorCode.INTERNAL, "cannot make a self-signed TLS certificate: " + e, e);
        }
    }

    private static X509Certificate certificate(KeyPair pair, Set<String> names)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        var subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, "vmo daemon on " + hostName())
                .build();
        Instant now = Instant.now();
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        var builder = new JcaX509v3CertificateBuilder(
                subject,
                new BigInteger(1, serial),
                Date.from(now.minus(Duration.ofDays(1))), // a client whose clock is a little behind
                Date.from(now.plus(VALIDITY)),
                subject,
                pair.getPublic());
        List<GeneralName> alternatives = new ArrayList<>();
        for (String name : names) {
            String bare = name.startsWith("[") ? name.substring(1, name.length() - 1) : name;
            boolean address = bare.indexOf(':') >= 0 || bare.matches("[0-9.]+");
            alternatives.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, bare));
        }
        builder.addExtension(
                Extension.subjectAlternativeName, false, new GeneralNames(alternatives.toArray(GeneralName[]::new)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String pem(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
    }
}
