package io.vmo.daemon.web;

import io.vmo.daemon.SecretFile;
import io.vmo.daemon.UnsafeFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The secret every request must present as {@code Authorization: Bearer <token>}. Created on first start in a file
 * only its owner can read; the CLI reads the same file. Never logged.
 */
public final class AuthToken {

    private final byte[] value;

    private AuthToken(String value) {
        this.value = value.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The token in {@code file}, or a new one written there. A file that exists must be the daemon user's and
     * closed to everyone else, as OpenSSH requires of a private key: a token others could read lets them run
     * anything as this user, and one they could write lets them choose it.
     *
     * @throws UnsafeFileException if it is not
     */
    public static AuthToken loadOrCreate(Path file) throws IOException {
        return new AuthToken(new SecretFile(file, "the token file", "run any command as this user through the daemon")
                .loadOrCreate(Base64.getUrlEncoder().withoutPadding()::encodeToString));
    }

    /** Constant-time, so response timing tells nothing about how much of a guess was right. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
    }
}
