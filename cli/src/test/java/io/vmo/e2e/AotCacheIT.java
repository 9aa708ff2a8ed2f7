package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's AOT cache, as the build leaves it, through the real launcher: used when it is this build's, never
 * when a jar has changed since (JDK 25 itself would run the old jar's classes from it), and silent either way.
 */
class AotCacheIT {

    private static final Path ROOT = Path.of(System.getProperty("vmo.launcher", "../bin/vmo"))
            .toAbsolutePath()
            .getParent()
            .getParent();

    @TempDir
    Path tmp;

    @Test
    void theBuildsCacheIsUsedAndOneMadeBeforeAJarChangedIsNot() throws Exception {
        Path copy = copyOfTheBuild();
        Path classLog = tmp.resolve("classes.log");
        Vmo.Result fresh = version(copy, classLog);
        assertThat(fresh.out()).matches(LauncherIT.VERSION);
        assertThat(fresh.err()).isEmpty();
        assertThat(Files.readString(classLog)).contains("io.vmo.cli.Vmo source: shared objects file");

        // The same jar, one class changed, as a rebuild would: the launcher must not hand the JVM the old cache.
        try (FileSystem jar = FileSystems.newFileSystem(
                URI.create("jar:" + copy.resolve("cli/target/vmo.jar").toUri()), Map.of())) {
            Path vmo = jar.getPath("io/vmo/cli/Vmo.class");
            byte[] bytes = Files.readAllBytes(vmo);
            Files.write(vmo, replace(bytes, "vmo %s", "vmX %s"));
        }
        Vmo.Result rebuilt = version(copy, classLog);
        assertThat(rebuilt.out()).as("the rebuilt jar's own class").startsWith("vmX ");
        assertThat(rebuilt.err()).isEmpty();
        assertThat(Files.readString(classLog)).contains("io.vmo.cli.Vmo source: file:");
    }

    @Test
    void anUnusableCacheFileSaysNothing() throws Exception {
        Path copy = copyOfTheBuild();
        try (Stream<Path> caches = Files.list(copy.resolve("cli/target/aot"))) {
            for (Path cache : caches.filter(p -> p.toString().endsWith(".aot")).toList()) {
                Files.write(cache, new byte[] {1, 2, 3}); // a cache cut short
            }
        }
        Vmo.Result result = version(copy, tmp.resolve("classes.log"));
        assertThat(result.out()).matches(LauncherIT.VERSION);
        assertThat(result.err()).isEmpty();
    }

    private Vmo.Result version(Path copy, Path classLog) throws Exception {
        ProcessBuilder builder = Vmo.isolated(
                new ProcessBuilder(copy.resolve("bin/vmo").toString(), "-V"),
                tmp,
                Map.of("VMO_CLIENT_JAVA_OPTS", "-Xlog:class+load:file=" + classLog));
        return Vmo.run(builder, java.time.Duration.ofSeconds(60));
    }

    /** bin/ and the client's build output, in a directory of this test's: the launcher finds them beside itself. */
    private Path copyOfTheBuild() throws Exception {
        Path copy = tmp.resolve("vmo");
        for (String dir : List.of("bin", "cli/target/lib")) {
            copyTree(ROOT.resolve(dir), copy.resolve(dir));
        }
        Files.copy(
                ROOT.resolve("cli/target/vmo.jar"),
                copy.resolve("cli/target/vmo.jar"),
                StandardCopyOption.COPY_ATTRIBUTES);
        // The cache names the jars by their absolute paths: it is made again here, as `make build` makes it.
        Vmo.Result training = Vmo.run(
                Vmo.isolated(
                        new ProcessBuilder(copy.resolve("bin/vmo").toString()), tmp, Map.of("VMO_AOT_TRAINING", "1")),
                java.time.Duration.ofSeconds(120));
        assertThat(training.exitCode()).as(training.toString()).isZero();
        return copy;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static byte[] replace(byte[] bytes, String from, String to) {
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text).contains(from);
        return text.replace(from, to).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
