package io.vmo.daemon.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import com.pty4j.PtyProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the daemon's copy of pty4j's native library comes from (linux x86-64, as on the machines that run this). */
class PtyLauncherTest {

    private static final String LIBPTY = "linux/x86-64/libpty.so";

    @TempDir
    Path dir;

    @Test
    void theLibraryIsUnpackedOwnerOnly() throws Exception {
        Path native_ = dir.resolve("pty4j");
        new PtyLauncher(native_);
        assertThat(Files.readAllBytes(native_.resolve(LIBPTY))).isEqualTo(bundled());
        assertThat(mode(native_)).isEqualTo("rwx------");
        assertThat(mode(native_.resolve("linux"))).isEqualTo("rwx------");
        assertThat(mode(native_.resolve("linux/x86-64"))).isEqualTo("rwx------");
        assertThat(mode(native_.resolve(LIBPTY))).isEqualTo("rw-------");
    }

    @Test
    void aFolderLinkedElsewhereIsReplacedNotWrittenThrough() throws Exception {
        Path native_ = dir.resolve("pty4j");
        Path elsewhere = Files.createDirectories(dir.resolve("someone-elses"));
        Files.writeString(elsewhere.resolve("libpty.so"), "theirs");
        Files.createDirectories(native_.resolve("linux"));
        Files.createSymbolicLink(native_.resolve("linux/x86-64"), elsewhere);

        new PtyLauncher(native_);

        assertThat(Files.isSymbolicLink(native_.resolve("linux/x86-64"))).isFalse();
        assertThat(Files.readAllBytes(native_.resolve(LIBPTY))).isEqualTo(bundled());
        assertThat(Files.readString(elsewhere.resolve("libpty.so")))
                .as("left alone")
                .isEqualTo("theirs");
    }

    @Test
    void aLibraryThatDiffersIsRewritten() throws Exception {
        Path native_ = dir.resolve("pty4j");
        new PtyLauncher(native_);
        Files.writeString(native_.resolve(LIBPTY), "changed");
        new PtyLauncher(native_);
        assertThat(Files.readAllBytes(native_.resolve(LIBPTY))).isEqualTo(bundled());
    }

    private static byte[] bundled() throws Exception {
        try (InputStream in = PtyProcess.class.getResourceAsStream("/resources/com/pty4j/native/" + LIBPTY)) {
            return in.readAllBytes();
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }
}
