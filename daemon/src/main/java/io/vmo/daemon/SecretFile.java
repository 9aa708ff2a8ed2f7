package io.vmo.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * A secret of the daemon's kept in a file of its own: the token every client presents, the audit trail's HMAC key.
 * Made on first start from 32 random bytes, in a file that is its owner's only from the moment it exists; a file
 * that is there must be the daemon user's and closed to everyone else, as OpenSSH requires of a private key. Never
 * logged.
 *
 * @param name how messages call it ("the token file", "the audit key")
 * @param harm what someone else who owns or reads it could do ("run any command as this user through the daemon")
 */
public record SecretFile(Path file, String name, String harm) {

    /**
     * The file's text (stripped), or a new secret written there: the 32 random bytes encoded by {@code encode}.
     *
     * @throws UnsafeFileException if the file is another user's or open to others
     */
    public String loadOrCreate(Function<byte[], String> encode) throws IOException {
        if (!Files.exists(file)) {
            PrivateFiles.createDirectories(file.getParent());
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String secret = encode.apply(random);
            try {
                PrivateFiles.createFile(file); // 0600 in one step: no moment at which others could read it
                Files.writeString(file, secret + "\n");
                return secret;
            } catch (FileAlreadyExistsException raced) {
                // another daemon made it first: use theirs
            }
        }
        if (!PrivateFiles.ownedByUs(file)) {
            throw new UnsafeFileException(name + " " + file + " belongs to "
                    + Files.getOwner(file).getName()
                    + ", not to the user this daemon runs as; whoever owns it could " + harm + ". Take it over with"
                    + " `chown " + System.getProperty("user.name") + " " + file + "`, then start again");
        }
        if (PrivateFiles.openToOthers(file)) {
            throw new UnsafeFileException(name + " " + file + " is open to other users (mode "
                    + PrivateFiles.mode(file) + "): whoever can read it could " + harm + ". Run `chmod 600 " + file
                    + "`, then start again");
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
}
