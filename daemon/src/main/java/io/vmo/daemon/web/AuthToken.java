package io.vmo.daemon.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
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

    public static AuthToken loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                // Created with mode 0600 in one step: there is no moment at which others could read it.
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, token + "\n");
                return new AuthToken(token);
            } catch (FileAlreadyExistsException raced) {
                // another daemon created it first: use theirs
            }
        }
        return new AuthToken(read(file));
    }

    /** The token in the file, as a client sends it. */
    public static String read(Path file) throws IOException {
        return Files.readString(file).strip();
    }

    /** Constant-time, so response timing tells nothing about how much of a guess was right. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
    }
}
