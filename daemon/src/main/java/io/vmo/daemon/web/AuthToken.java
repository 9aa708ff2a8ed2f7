package io.vmo.daemon.web;

import io.vmo.daemon.PrivateFiles;
import io.vmo.daemon.UnsafeFileException;
import io.vmo.protocol.Locations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * The token in {@code file}, or a new one written there. A file that exists must be the daemon user's and
     * closed to everyone else, as OpenSSH requires of a private key: a token others could read lets them run
     * anything as this user, and one they could write lets them choose it.
     *
     * @throws UnsafeFileException if it is not
     */
    public static AuthToken loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            PrivateFiles.createDirectories(file.getParent());
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                // Created with mode 0600 in one step: there is no moment at which others could read it.
                PrivateFiles.createFile(file);
                Files.writeString(file, token + "\n");
                return new AuthToken(token);
            } catch (FileAlreadyExistsException raced) {
                // another daemon created it first: use theirs
            }
        }
        if (!PrivateFiles.ownedByUs(file)) {
            throw new UnsafeFileException("the token file " + file + " belongs to "
                    + Files.getOwner(file).getName()
                    + ", not to the user this daemon runs as; whoever owns it can choose the token. Delete it (a"
                    + " new one is made at start) or take it over with `chown " + System.getProperty("user.name")
                    + " " + file + "`, then start again");
        }
        if (PrivateFiles.openToOthers(file)) {
            throw new UnsafeFileException("the token file " + file + " is open to other users (mode "
                    + PrivateFiles.mode(file) + "): whoever can read it can run any command as this user through"
                    + " the daemon. Run `chmod 600 " + file + "` (and consider the token seen: delete the file to"
                    + " get a new one), then start again");
        }
        return new AuthToken(Locations.readToken(file));
    }

    /** Constant-time, so response timing tells nothing about how much of a guess was right. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
    }
}
