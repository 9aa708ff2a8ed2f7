package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release bundle of {@code make dist} (bin/make-dist), as a user gets it: unpacked into a directory of its own and
 * run where nothing else is: no java, mvn, node or npm on the PATH, JAVA_HOME empty. The daemon runs on the bundle's
 * own JVM and starts its own embedded PostgreSQL (as root through {@code unshare -U}, which needs the runtime's
 * jdk.security.auth), {@code vmo run} streams a make target, the web UI is served, {@code vmo -V} names the commit,
 * and the client uses the AOT cache that was made for that JVM.
 */
class BundleIT {

    private static final Path SOURCE = Path.of(System.getProperty("vmo.launcher", "../bin/vmo"))
            .toAbsolutePath()
            .normalize()
            .getParent()
            .getParent();
    private static final Pattern LISTENING = Pattern.compile("listening on http://([^ ]+)");
    /** What a machine without a JDK, Maven or Node.js lacks; bin/vmo must not need any of them. */
    private static final Set<String> ABSENT = Set.of("java", "javac", "jar", "jlink", "mvn", "node", "npm", "npx");

    @TempDir
    Path tmp;

    @Test
    void theBundleRunsWhereNoJdkMavenOrNodeIs() throws Exception {
        Path tarball = makeDist();
        Path bundle = unpack(tarball);
        Path tools = bareTools();
        Path home = Files.createDirectories(tmp.resolve("home"));
        Map<String, String> env = Map.of("PATH", tools.toString(), "JAVA_HOME", "");

        Vmo.Result version = Vmo.run(launch(bundle, home, env, List.of("-V")), Duration.ofSeconds(60));
        assertThat(version.out()).as(version.toString()).matches(LauncherIT.VERSION);
        assertThat(version.err()).isEmpty();
        assertThat(Files.readString(bundle.resolve("VERSION"))).isEqualTo(version.out());
        Vmo.Result daemonVersion = Vmo.run(launch(bundle, home, env, List.of("daemon", "-V")), Duration.ofSeconds(60));
        assertThat(daemonVersion.out())
                .as(daemonVersion.toString())
                .isEqualTo(version.out().replaceFirst("^vmo ", "vmo daemon "));
        Path classLog = tmp.resolve("classes.log");
        Vmo.run(
                launch(
                        bundle,
                        home,
                        Map.of(
                                "PATH",
                                tools.toString(),
                                "JAVA_HOME",
                                "",
                                "VMO_CLIENT_JAVA_OPTS",
                                "-Xlog:class+load:file=" + classLog),
                        List.of("-V")),
                Duration.ofSeconds(60));
        assertThat(Files.readString(classLog))
                .as("the client's classes come from the bundle's AOT cache")
                .contains("io.vmo.cli.Vmo source: shared objects file");

        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(project.resolve("Makefile"), "hello:\n\t@echo hello from $@; echo to stderr >&2\n");
        Files.createDirectories(home.resolve(".config/mkcli"));
        Files.writeString(home.resolve(".config/mkcli/registry"), "demo=" + project + "\n");

        ProcessBuilder daemonCommand = launch(bundle, home, env, List.of("daemon", "--listen", "127.0.0.1:0"))
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        tmp.resolve("daemon.log").toFile()));
        Process daemon = daemonCommand.start();
        try {
            String address = awaitListening(daemon);
            assertThat(ProcessHandle.of(daemon.pid()).flatMap(p -> p.info().command()))
                    .as("the daemon runs on the bundle's JVM")
                    .hasValue(bundle.resolve("runtime/bin/java").toString());
            assertThat(Files.isDirectory(home.resolve(".local/state/vmo/postgres")))
                    .as("its own embedded PostgreSQL")
                    .isTrue();

            Map<String, String> client = Map.of("PATH", tools.toString(), "JAVA_HOME", "", "VMO_DAEMON", address);
            Vmo.Result run =
                    Vmo.run(launch(bundle, home, client, List.of("run", "demo", "hello")), Duration.ofSeconds(60));
            assertThat(run.exitCode()).as(run + "\n" + daemonLog()).isZero();
            assertThat(run.out()).isEqualTo("hello from hello\n");
            assertThat(run.err()).isEqualTo("to stderr\n");

            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> index = http.send(
                    HttpRequest.newBuilder(URI.create("http://" + address + "/"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(index.statusCode()).as(index.body()).isEqualTo(200);
            assertThat(index.body()).contains("<!doctype html>").containsPattern("/assets/[A-Za-z0-9_.-]+\\.js");
            // `vmo ui` (the JDK's HTTP client, java.net.http in the runtime) and the link it prints.
            Vmo.Result ui = Vmo.run(launch(bundle, home, client, List.of("ui")), Duration.ofSeconds(60));
            assertThat(ui.exitCode()).as(ui.toString()).isZero();
            String link = ui.out().strip();
            assertThat(link).startsWith("http://" + address + "/login?token=");
            HttpResponse<String> login =
                    http.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(303);
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
        assertThat(daemonLog()).doesNotContain("ERROR");

        if ("root".equals(System.getProperty("user.name"))) {
            asAnotherUser(bundle, tools, project);
        }
    }

    /**
     * The same bundle run by a user who is not root, as most are (the embedded PostgreSQL then runs without
     * {@code unshare -U}): the daemon starts and runs a target, the client finds its cache.
     */
    private void asAnotherUser(Path bundle, Path tools, Path project) throws Exception {
        // nobody must reach the bundle and the project: the test's directory is root's own (0700).
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = Files.createDirectories(tmp.resolve("nobody"));
        Files.createDirectories(home.resolve(".config/mkcli"));
        Files.writeString(home.resolve(".config/mkcli/registry"), "demo=" + project + "\n");
        Path scratch = Files.createDirectories(home.resolve("tmp"));
        Vmo.Result chown =
                Vmo.run(new ProcessBuilder("chown", "-R", "nobody:nogroup", home.toString()), Duration.ofSeconds(30));
        assertThat(chown.exitCode()).as(chown.toString()).isZero();
        List<String> nobody = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--");
        Map<String, String> env = Map.of("PATH", tools.toString(), "JAVA_HOME", "", "TMPDIR", scratch.toString());

        Process daemon = launch(nobody, bundle, home, env, List.of("daemon", "--listen", "127.0.0.1:0"))
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        tmp.resolve("daemon.log").toFile()))
                .start();
        try {
            String address = awaitListening(daemon);
            assertThat(ProcessHandle.of(daemon.pid()).flatMap(p -> p.info().user()))
                    .hasValue("nobody");
            Map<String, String> client = new java.util.HashMap<>(env);
            client.put("VMO_DAEMON", address);
            Vmo.Result run = Vmo.run(
                    launch(nobody, bundle, home, client, List.of("run", "demo", "hello")), Duration.ofSeconds(60));
            assertThat(run.exitCode()).as(run + "\n" + daemonLog()).isZero();
            assertThat(run.out()).isEqualTo("hello from hello\n");
            System.out.println("BundleIT: as nobody too");
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }

    /** The links to the machine's tools, removed here: JUnit warns about each link out of its directory. */
    @AfterEach
    void removeToolLinks() throws IOException {
        Path tools = tmp.resolve("tools");
        if (Files.isDirectory(tools)) {
            try (Stream<Path> links = Files.list(tools)) {
                for (Path link : links.toList()) {
                    Files.delete(link);
                }
            }
        }
    }

    /** bin/make-dist, as `make dist` runs it, into a directory of this test's; returns the tarball. */
    private Path makeDist() throws Exception {
        long start = System.nanoTime();
        ProcessBuilder make = new ProcessBuilder(
                SOURCE.resolve("bin/make-dist").toString(), tmp.resolve("dist").toString());
        make.environment().keySet().removeIf(k -> k.startsWith("VMO_"));
        Vmo.Result made = Vmo.run(make.directory(SOURCE.toFile()), Duration.ofMinutes(5));
        assertThat(made.exitCode()).as(made.toString()).isZero();
        List<String> lines = made.out().lines().toList();
        Path tarball = Path.of(lines.getLast());
        assertThat(tarball.getFileName().toString()).matches("vmo-\\d+\\.\\d+\\.\\d+\\S*-linux-x64\\.tar\\.gz");
        System.out.printf(
                "BundleIT: bin/make-dist took %d s; %s is %.1f MB%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
                tarball.getFileName(),
                Files.size(tarball) / 1e6);
        return tarball;
    }

    /** The tarball, unpacked by tar into a fresh directory: returns the bundle's top directory. */
    private Path unpack(Path tarball) throws Exception {
        Path opt = Files.createDirectories(tmp.resolve("opt"));
        Vmo.Result tar = Vmo.run(
                new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", opt.toString()), Duration.ofMinutes(2));
        assertThat(tar.exitCode()).as(tar.toString()).isZero();
        try (Stream<Path> top = Files.list(opt)) {
            List<Path> dirs = top.toList();
            assertThat(dirs).hasSize(1);
            Path bundle = dirs.getFirst();
            for (String part : List.of(
                    "bin/vmo", "lib/client/vmo.jar", "lib/daemon/vmo-daemon.jar", "runtime/bin/java", "VERSION")) {
                assertThat(bundle.resolve(part)).as(part).exists();
            }
            try (Stream<Path> clientLibs = Files.list(bundle.resolve("lib/client/lib"))) {
                assertThat(clientLibs.map(p -> p.getFileName().toString()))
                        .as("the client's class path has none of the daemon's libraries")
                        .noneMatch(name -> name.startsWith("netty") || name.startsWith("postgresql"));
            }
            return bundle;
        }
    }

    /**
     * A PATH of links to what /usr/bin and /bin hold, less java, mvn, node and npm (and anything of a JDK's or
     * Node.js's), so nothing the bundle should bring can come from the machine.
     */
    private Path bareTools() throws IOException {
        Path tools = MachineTools.linked(tmp.resolve("tools"), program -> {
            if (ABSENT.contains(program.getFileName().toString())) {
                return false;
            }
            String real;
            try {
                real = program.toRealPath().toString();
            } catch (IOException e) {
                return false; // a dangling link
            }
            return !real.contains("/jvm/") && !real.contains("node") && !real.contains("maven");
        });
        for (String absent : ABSENT) {
            assertThat(tools.resolve(absent)).doesNotExist();
        }
        return tools;
    }

    /** bin/vmo of the bundle with only this environment's PATH and JAVA_HOME, in {@code home}. */
    private ProcessBuilder launch(Path bundle, Path home, Map<String, String> env, List<String> args) {
        return launch(List.of(), bundle, home, env, args);
    }

    /** As {@link #launch(Path, Path, Map, List)}, through {@code prefix} (e.g. setpriv). */
    private ProcessBuilder launch(
            List<String> prefix, Path bundle, Path home, Map<String, String> env, List<String> args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(bundle.resolve("bin/vmo").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SSH_") || k.startsWith("MAVEN"));
        return Vmo.isolated(builder, home, env);
    }

    private String awaitListening(Process daemon) throws Exception {
        var reader = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
        var found = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        return m.group(1);
                    }
                }
            } catch (IOException e) {
                // the daemon has gone
            }
            return null;
        });
        String address;
        try {
            address = found.get(90, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            address = null;
        }
        assertThat(address)
                .as("the daemon did not start; its log:\n" + daemonLog())
                .isNotNull();
        Thread.ofVirtual().start(() -> {
            try {
                reader.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the daemon has gone
            }
        });
        return address;
    }

    private String daemonLog() throws IOException {
        Path log = tmp.resolve("daemon.log");
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }
}
