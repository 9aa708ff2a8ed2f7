package io.vmo.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A certificate's fingerprint as vmo shows it, daemon and CLI alike: {@code SHA256:} and the unpadded base64 of the
 * SHA-256 of its DER encoding — the form OpenSSH gives host keys, so it reads like the known_hosts it imitates.
 */
public final class Fingerprint {

    private Fingerprint() {}

    public static String sha256(byte[] der) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
