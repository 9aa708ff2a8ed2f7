package io.vmo.daemon.audit;

import io.vmo.daemon.PrivateFiles;
import io.vmo.daemon.UnsafeFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
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
        if (!Files.exists(file)) {
            PrivateFiles.createDirectories(file.getParent());
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            try {
                PrivateFiles.createFile(file); // 0600 from the start: no moment at which others could read it
                Files.writeString(file, Base64.getEncoder().encodeToString(random) + "\n");
                return new AuditKey(random);
            } catch (FileAlreadyExistsException raced) {
                // another daemon made it first: use theirs
            }
        }
        if (!PrivateFiles.ownedByUs(file)) {
            throw new UnsafeFileException("the audit key " + file + " belongs to "
                    + Files.getOwner(file).getName()
                    + ", not to the user this daemon runs as; whoever owns it can forge the audit trail. Take it"
                    + " over with `chown " + System.getProperty("user.name") + " " + file + "`, then start again");
        }
        if (PrivateFiles.openToOthers(file)) {
            throw new UnsafeFileException("the audit key " + file + " is open to other users (mode "
                    + PrivateFiles.mode(file) + "): whoever can read it can forge audit rows. Run `chmod 600 " + file
                    + "`, then start again");
        }
        try {
            return new AuditKey(Base64.getDecoder()
                    .decode(Files.readString(file, StandardCharsets.US_ASCII).strip()));
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
