package io.vmo.daemon.audit;

import io.vmo.daemon.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chain's head as the daemon last committed it, kept outside the database ({@code audit.head} in the state
 * directory, owner-only): one line {@code v1 <chain> <seq> <mac hex>}, replaced atomically after each commit. Rows
 * deleted from the end of the trail through SQL, head row and all, leave a chain that verifies on its own; this
 * file is what says it once went further.
 */
public final class AuditHeadFile {

    private static final Logger log = LoggerFactory.getLogger(AuditHeadFile.class);

    /** A head: which chain, the last row's seq and its MAC. */
    public record KeptHead(UUID chain, long seq, byte[] mac) {
        @Override
        public String toString() {
            return "chain " + chain + " seq " + seq;
        }
    }

    private final Path file;

    public AuditHeadFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** The head kept, or null when there is none (or it cannot be read: said in the log). */
    public KeptHead read() {
        String text;
        try {
            text = Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            log.warn("cannot read the audit head {}: {}", file, e.toString());
            return null;
        }
        String[] parts = text.split(" ");
        try {
            if (parts.length != 4 || !parts[0].equals("v1")) {
                throw new IllegalArgumentException("not v1 <chain> <seq> <mac>");
            }
            return new KeptHead(
                    UUID.fromString(parts[1]),
                    Long.parseLong(parts[2]),
                    HexFormat.of().parseHex(parts[3]));
        } catch (IllegalArgumentException e) {
            log.warn("the audit head {} is not what vmo writes ({}): ignored", file, e.getMessage());
            return null;
        }
    }

    /** Replaces the file, atomically: a reader sees the old head or the new one, never half a line. */
    public void write(KeptHead head) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".new");
        PrivateFiles.write(
                next,
                "v1 " + head.chain() + " " + head.seq() + " " + HexFormat.of().formatHex(head.mac()) + "\n");
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Moves the file aside (to {@code audit.head.<chain>}), keeping it; returns where. */
    Path moveAside(UUID chain) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + "." + chain);
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }
}
