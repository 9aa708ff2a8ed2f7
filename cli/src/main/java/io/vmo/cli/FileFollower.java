package io.vmo.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

/**
 * A file's bytes as they are written, as {@code tail -F}: from its start, then whatever is appended, and when the
 * file is rotated (renamed away, a new one in its place) or truncated, the rest of the old one and then the new one
 * from its start.
 */
final class FileFollower {

    static final Duration POLL = Duration.ofMillis(200);

    private final Path file;
    private final OutputStream out;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

    FileFollower(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /** What the file holds now. */
    void copyOnce() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            drain(channel);
        }
    }

    /** Follows the file until interrupted (or Ctrl-C ends the JVM). */
    void follow() throws IOException, InterruptedException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        Object key = key(file);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                drain(channel);
                Thread.sleep(POLL.toMillis());
                Object now = key(file);
                if (now == null) {
                    continue; // between the rename and the new file
                }
                if (!now.equals(key)) { // rotated: what the old file got last, then the new one
                    drain(channel);
                    channel.close();
                    channel = FileChannel.open(file, StandardOpenOption.READ);
                    key = now;
                } else if (channel.size() < channel.position()) { // truncated
                    channel.position(0);
                }
            }
        } finally {
            channel.close();
        }
    }

    private void drain(FileChannel channel) throws IOException {
        boolean wrote = false;
        while (channel.read(buffer.clear()) > 0) {
            out.write(buffer.array(), 0, buffer.position());
            wrote = true;
        }
        if (wrote) {
            out.flush();
        }
    }

    /** The file's identity (device and inode), or null while there is none. */
    private static Object key(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
