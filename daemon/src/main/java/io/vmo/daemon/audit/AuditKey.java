package io.vmo.daemon.audit;

import io.vmo.daemon.SecretFile;
import io.vmo.daemon.UnsafeFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret of the audit trail's HMAC chain. It lives in a file beside the token, created like it (0600, the
 * daemon user's, refused otherwise), and never in the database: whoever can change the database but not read this
 * file cannot forge a row. Never logged.
 */
public final class AuditKey {

    private final SecretKeySpec key;

    AuditKey(byte[] secret) {
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    /**
     * The key in {@code file}, or a new one written there.
     *
     * @throws UnsafeFileException if the file is another user's or open to others
     */
    public static AuditKey loadOrCreate(Path file) throws IOException {
        String text = new SecretFile(file, "the audit key", "forge rows of the audit trail")
                .loadOrCreate(Base64.getEncoder()::encodeToString);
        try {
            return new AuditKey(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw new UnsafeFileException("the audit key " + file + " is not what vmo wrote there (base64 of 32"
                    + " bytes): restore it from a backup; without it the audit trail cannot be verified");
        }
    }

    /** A fresh HMAC-SHA-256 with this key (a {@link Mac} is not thread-safe). */
    Mac mac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
