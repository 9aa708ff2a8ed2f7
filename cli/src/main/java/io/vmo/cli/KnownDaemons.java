package io.vmo.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The certificates of self-signed daemons this user has accepted, like OpenSSH's known_hosts: one line per daemon,
 * {@code host:port SHA256:<base64>}, {@code #} comments. A daemon is pinned the first time the CLI reaches it
 * (trust on first use, saying so); from then on only that exact certificate is accepted for that host and port.
 * Written owner-only; a line is removed by hand, which is how a deliberately new certificate is accepted.
 */
final class KnownDaemons {

    /** A pin that is there: its fingerprint and its line (from 1). */
    record Pin(String fingerprint, int line) {}

    private final Path file;

    KnownDaemons(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The pin of {@code key} ({@code host:port}), or null. The first line for a key counts. */
    Pin find(String key) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        for (int i = 0; i < lines.size(); i++) {
            String[] fields = lines.get(i).strip().split("\\s+");
            if (fields.length >= 2 && !fields[0].startsWith("#") && fields[0].equals(key)) {
                return new Pin(fields[1], i + 1);
            }
        }
        return null;
    }

    /** Adds a line for {@code key}: the folder 0700 and the file 0600 when they are made here. */
    void pin(String key, String fingerprint) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        boolean fresh = !Files.exists(file);
        String text = (fresh
                        ? "# vmo: certificates of self-signed daemons, pinned on first use (host:port fingerprint)."
                                + " Delete a daemon's line to accept a new certificate.\n"
                        : "")
                + key + " " + fingerprint + "\n";
        try (SeekableByteChannel out = Files.newByteChannel(
                file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            out.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
