package io.vmo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The modes are set, not requested: a test JVM's umask (022) would already hide a bug of 0777, so they are read. */
class PrivateFilesTest {

    @TempDir
    Path dir;

    @Test
    void directoriesAreMadeOwnerOnlyAndParentsThatExistAreLeftAlone() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path deep = dir.resolve("a/b/c");
        PrivateFiles.directory(deep);
        assertThat(mode(dir)).isEqualTo("rwxr-xr-x");
        assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("a/b"))).isEqualTo("rwx------");
        assertThat(mode(deep)).isEqualTo("rwx------");

        Files.setPosixFilePermissions(deep, PosixFilePermissions.fromString("rwxrwxrwx"));
        PrivateFiles.createDirectories(deep);
        assertThat(mode(deep)).as("createDirectories leaves what exists").isEqualTo("rwxrwxrwx");
        PrivateFiles.directory(deep);
        assertThat(mode(deep))
                .as("a directory of the daemon's own is set each time")
                .isEqualTo("rwx------");
    }

    @Test
    void filesAreOwnerOnlyAndOneThatExistsIsSetSo() throws Exception {
        Path file = dir.resolve("f");
        PrivateFiles.write(file, "x");
        assertThat(mode(file)).isEqualTo("rw-------");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        PrivateFiles.file(file);
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(Files.readString(file)).isEqualTo("x");
        assertThat(PrivateFiles.mode(file)).isEqualTo("0600");
    }

    @Test
    void aTreeOthersUnpackedLosesGroupAndOtherPermissions() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("t/bin"));
        Path tool = Files.writeString(tree.resolve("tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path outside = Files.writeString(dir.resolve("outside"), "");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.createSymbolicLink(tree.resolve("link"), outside);

        PrivateFiles.restrictTree(dir.resolve("t"));

        assertThat(mode(tree)).isEqualTo("rwx------");
        assertThat(mode(tool)).as("still runnable by its owner").isEqualTo("rwx------");
        assertThat(mode(outside)).as("a link is not followed").isEqualTo("rw-rw-rw-");
    }

    @Test
    void whatOthersMayWriteOrALinkIsNotTrusted() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(PrivateFiles.untrusted(file)).isNull();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        assertThat(PrivateFiles.untrusted(file))
                .contains("can be written by others")
                .contains("0664");
        Path link = Files.createSymbolicLink(dir.resolve("l"), file);
        assertThat(PrivateFiles.untrusted(link)).contains("is a symbolic link");
        assertThat(PrivateFiles.untrusted(dir.resolve("missing"))).contains("is missing");
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }
}
