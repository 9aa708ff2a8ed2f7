package io.vmo.daemon;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files and directories only the daemon's user can use, whatever the umask it was started with: directories 0700,
 * files 0600. A mode given at creation is only an upper bound (the kernel masks it with the umask), and a mode set
 * after creation leaves a moment in which others could open the file; so each is created with the mode <em>and</em>
 * set to it explicitly, and files are created inside directories that are already private.
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private static final long UID = new com.sun.security.auth.module.UnixSystem().getUid();

    private PrivateFiles() {}

    /**
     * Creates {@code dir} and whichever of its parents are missing, each 0700 (as the XDG base directory spec asks
     * of the directories it names); directories that exist are left as they are.
     */
    public static Path createDirectories(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p, attribute(DIRECTORY));
                Files.setPosixFilePermissions(p, DIRECTORY);
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile by another process
            }
        }
        return dir;
    }

    /**
     * A directory the daemon manages: created as {@link #createDirectories}, and set to 0700 even if it existed
     * (e.g. made by an earlier version under a loose umask).
     */
    public static Path directory(Path dir) throws IOException {
        createDirectories(dir);
        Files.setPosixFilePermissions(dir, DIRECTORY);
        return dir;
    }

    /** A new file, 0600; fails if it exists. */
    public static Path createFile(Path file) throws IOException {
        Files.createFile(file, attribute(FILE));
        Files.setPosixFilePermissions(file, FILE);
        return file;
    }

    /** {@code file}, created 0600 if it is missing; one that exists is set to 0600 too (it is vmo's own). */
    public static Path file(Path file) throws IOException {
        try {
            createFile(file);
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(file, FILE);
        }
        return file;
    }

    /** Replaces {@code file} by a new one, 0600, holding {@code text}. */
    public static void write(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        createFile(file);
        Files.writeString(file, text);
    }

    /**
     * Takes every group and other permission off {@code dir} and everything below it, for trees that code of
     * others unpacks (zonky's PostgreSQL binaries) with modes of its own. Links are not followed.
     */
    public static void restrictTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                restrict(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) { // a link's mode is not its own, and chmod would follow it
                    restrict(f);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Why {@code path} cannot be trusted to hold only what the daemon's user put there, or null if it can: it is
     * not there, is a symbolic link, belongs to another user, or others than its owner may write to it.
     */
    public static String untrusted(Path path) throws IOException {
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return path + " is missing";
        }
        if (attrs.isSymbolicLink()) {
            return path + " is a symbolic link";
        }
        if (!ownedByUs(path)) {
            return path + " belongs to " + attrs.owner().getName() + ", not to the daemon's user";
        }
        Set<PosixFilePermission> perms = attrs.permissions();
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            return path + " can be written by others than its owner (mode " + mode(perms) + ")";
        }
        return null;
    }

    /** Whether group or others have any permission on {@code path} (links followed, as a reader would). */
    public static boolean openToOthers(Path path) throws IOException {
        return Files.getPosixFilePermissions(path).stream().anyMatch(GROUP_OR_OTHERS::contains);
    }

    /** Whether {@code path} (what it links to, if a link) belongs to the user the daemon runs as. */
    public static boolean ownedByUs(Path path) throws IOException {
        // By uid: user.name, which a name lookup would need, is "?" for a uid without a passwd entry.
        return ((Integer) Files.getAttribute(path, "unix:uid")) == UID;
    }

    /** "0644" */
    public static String mode(Path path) throws IOException {
        return mode(Files.getPosixFilePermissions(path));
    }

    private static String mode(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal()); // the enum runs OWNER_READ … OTHERS_EXECUTE, i.e. bit 8 down to 0
        }
        return String.format("%04o", mode);
    }

    private static void restrict(Path path) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (perms.removeAll(GROUP_OR_OTHERS)) {
            Files.setPosixFilePermissions(path, perms);
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> perms) {
        return PosixFilePermissions.asFileAttribute(perms);
    }
}
