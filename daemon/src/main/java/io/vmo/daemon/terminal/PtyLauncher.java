package io.vmo.daemon.terminal;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import io.vmo.daemon.PrivateFiles;
import io.vmo.daemon.job.TerminalLauncher;
import io.vmo.daemon.job.TerminalProcess;
import io.vmo.daemon.job.TerminalSize;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts local commands in pseudo-terminals of their own (pty4j). The child leads a new session with the terminal
 * as its controlling tty, so its process group is the job's, as with {@code setsid} for plain jobs.
 */
public final class PtyLauncher implements TerminalLauncher {

    private static final Logger log = LoggerFactory.getLogger(PtyLauncher.class);

    /** What programs are told they run in: what xterm.js and most terminal emulators understand. */
    static final String TERM = "xterm-256color";

    /**
     * Sets the size from inside the child before the command runs: pty4j sets the initial size racily (the
     * child's first {@code stty size} often said {@code 0 0}). The command is passed as arguments ({@code "$@"}),
     * never spliced into the script: nothing a client sends is read by a shell.
     */
    private static final String SIZE_THEN_EXEC = "stty cols \"$1\" rows \"$2\" 2>/dev/null; shift 2; exec \"$@\"";

    /**
     * {@code nativeDir}: where pty4j's native library is unpacked once, instead of into a new /tmp folder on
     * every start that nothing ever removes.
     */
    public PtyLauncher(Path nativeDir) {
        installNativeLibrary(nativeDir);
    }

    @Override
    public TerminalProcess start(List<String> argv, Path dir, TerminalSize size, Map<String, String> environment)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "/bin/sh", "-c", SIZE_THEN_EXEC, "vmo", Integer.toString(size.cols()), Integer.toString(size.rows())));
        command.addAll(argv);
        Map<String, String> env = new HashMap<>(environment);
        env.put("TERM", TERM);
        // The daemon's own terminal size, if it was started from one, is not this terminal's.
        env.remove("COLUMNS");
        env.remove("LINES");
        PtyProcess process = new PtyProcessBuilder(command.toArray(String[]::new))
                .setEnvironment(env)
                .setDirectory(dir.toString())
                .setInitialColumns(size.cols())
                .setInitialRows(size.rows())
                .setRedirectErrorStream(true)
                .start();
        return new LocalTerminal(process);
    }

    /**
     * Copies the library out of pty4j's jar to {@code <dir>/<os>/<arch>/} (where pty4j looks when
     * {@code pty4j.preferred.native.folder} is set) for the daemon to load. Each start checks the copy byte for byte
     * against the jar's and rewrites it when it differs (e.g. after an upgrade); the folders are 0700 and the file
     * 0600, so no other user can change it between this check and the load. A copy in a folder another user owns
     * or may write to (an earlier version's, made under a loose umask) is not trusted at all: the folder is
     * removed and the library unpacked afresh. Where vmo has no copy for the platform, or cannot make one, pty4j's
     * own extraction (a new private temporary folder) still works.
     */
    private static void installNativeLibrary(Path dir) {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String platform = os.contains("linux") ? "linux" : os.contains("mac") ? "darwin" : null;
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86-64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        if (platform == null || arch == null) {
            return;
        }
        String name = platform.equals("darwin") ? "libpty.dylib" : "libpty.so";
        String resource = "/resources/com/pty4j/native/" + platform + "/" + arch + "/" + name;
        try (InputStream in = PtyProcess.class.getResourceAsStream(resource)) {
            if (in == null) {
                return;
            }
            byte[] library = in.readAllBytes();
            Path folder = dir.resolve(platform).resolve(arch);
            Path target = folder.resolve(name);
            String untrusted = untrusted(List.of(dir, dir.resolve(platform), folder, target));
            if (untrusted != null) {
                log.warn("{}: removing {} and unpacking pty4j's native library there afresh", untrusted, dir);
                deleteTree(dir);
            }
            PrivateFiles.directory(dir);
            PrivateFiles.directory(dir.resolve(platform));
            PrivateFiles.directory(folder);
            if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), library)) {
                Path temp = folder.resolve(".libpty.tmp");
                Files.deleteIfExists(temp);
                PrivateFiles.createFile(temp);
                Files.write(temp, library);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            PrivateFiles.file(target);
            System.setProperty("pty4j.preferred.native.folder", dir.toString());
        } catch (IOException e) {
            log.warn(
                    "cannot unpack pty4j's native library to {} ({}); pty4j unpacks it to a temporary folder",
                    dir,
                    e.toString());
        }
    }

    /** Why the first of these paths that exists cannot be trusted, or null; they run from a folder down. */
    private static String untrusted(List<Path> paths) throws IOException {
        for (Path path : paths) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return null; // nor what is below it: there is nothing to trust yet
            }
            String why = PrivateFiles.untrusted(path);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /** Deletes a folder and what it holds; links are deleted, never followed. */
    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
