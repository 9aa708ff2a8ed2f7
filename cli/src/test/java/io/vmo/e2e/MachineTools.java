package io.vmo.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A PATH made of links to this machine's programs (/usr/bin, /bin, /usr/sbin, /sbin) less some: how a test shows
 * that vmo needs none of those (setsid, a JDK, Node.js).
 */
final class MachineTools {

    private MachineTools() {}

    /** Links in {@code dir} to every program {@code keep} accepts (the first of a name wins); returns {@code dir}. */
    static Path linked(Path dir, Predicate<Path> keep) throws IOException {
        Files.createDirectories(dir);
        for (String from : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            if (!Files.isDirectory(Path.of(from))) {
                continue;
            }
            try (Stream<Path> programs = Files.list(Path.of(from))) {
                for (Path program : programs.toList()) {
                    Path link = dir.resolve(program.getFileName());
                    if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS) && keep.test(program)) {
                        Files.createSymbolicLink(link, program);
                    }
                }
            }
        }
        return dir;
    }
}
