package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Projects and targets as the CLI and the REST API show them, broken registry entries included. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class CatalogIT {

    TestDaemon daemon;
    String databaseUrl;

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        Path home = tmp.resolve("home");
        write(home.resolve(".config/vmo/config.yml"), "vm_config_roots: [~/vm-config]\n");
        write(home.resolve("vm-config/dev/config.yml"), "vms:\n  web-1: {host: 10.0.0.5, ansible_user: deploy}\n");
        write(home.resolve("vm-config/bad/config.yml"), "vms: [\n");
        write(home.resolve(".ssh/config"), "Host jump\n  HostName 192.0.2.1\n");
        databaseUrl = postgres.newDatabase();
        daemon = TestDaemon.start(home, databaseUrl);
        daemon.addProject("vm", "status: ## Show the status\n\t@echo ok\ndeploy:\n\t@echo deploy\n");
        daemon.addProject("broken", "status:\n\techo ok\n  ifeq (\n");
        daemon.register("gone", tmp.resolve("nowhere"));
        Files.writeString(
                daemon.home().resolve(".config/mkcli/registry"),
                "not a registry line\n",
                java.nio.file.StandardOpenOption.APPEND);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void projectsListEveryEntryWithItsProblem() throws Exception {
        var table = daemon.run("projects");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out())
                .startsWith("PROJECT")
                .contains("vm ")
                .contains("gone")
                .contains("does not exist")
                .contains("not alias=/path/to/project");
        var json = daemon.run("projects", "--json");
        assertThat(json.out()).startsWith("[{\"alias\":\"vm\"").contains("\"problem\":\"its folder ");
    }

    @Test
    void targetsCarryTheirHelpComments() throws Exception {
        var table = daemon.run("targets", "vm");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).isEqualTo("TARGET  DESCRIPTION\ndeploy\nstatus  Show the status\n");
        assertThat(daemon.run("targets", "vm", "--json").out())
                .contains("{\"name\":\"status\",\"description\":\"Show the status\",\"interactive\":false}");
    }

    @Test
    void aMakefileMakeRejectsIsReportedNotFatal() throws Exception {
        var broken = daemon.run("targets", "broken");
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.err()).contains("make rejects the Makefile of \"broken\"");
        assertThat(daemon.run("targets", "nope").err()).contains("no project \"nope\"");
    }

    @Test
    void vmsComeFromVmConfigAndTheSshConfig() throws Exception {
        var table = daemon.run("vms");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out())
                .startsWith("VM")
                .contains("web-1")
                .contains("10.0.0.5")
                .contains("deploy")
                .contains("jump")
                .contains("ssh-config")
                .contains("not valid YAML");
        assertThat(daemon.run("vms", "--json").out()).contains("{\"name\":\"web-1\",\"environment\":\"dev\"");
    }

    @Test
    void theCatalogIsRecordedInTheStore() throws Exception {
        daemon.run("projects");
        daemon.run("vms");
        try (var c = java.sql.DriverManager.getConnection(databaseUrl);
                var s = c.createStatement()) {
            var projects = s.executeQuery("select alias, problem is null from projects where present order by alias");
            var rows = new java.util.ArrayList<String>();
            while (projects.next()) {
                rows.add(projects.getString(1) + ":" + projects.getBoolean(2));
            }
            assertThat(rows).containsExactly("broken:true", "gone:false", "not a registry line:false", "vm:true");
            var vms = s.executeQuery("select name, user_name from vms where source = 'vm-config' and problem is null");
            assertThat(vms.next()).isTrue();
            assertThat(vms.getString(1) + "@" + vms.getString(2)).isEqualTo("web-1@deploy");
        }
    }

    @Test
    void restMirrorsTheCatalog() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        var projects = http.send(
                HttpRequest.newBuilder(URI.create("http://" + daemon.address() + "/api/projects"))
                        .header("Authorization", "Bearer " + daemon.token())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(projects.body()).startsWith("{\"projects\":[{\"alias\":\"vm\"");
        var targets = http.send(
                HttpRequest.newBuilder(URI.create("http://" + daemon.address() + "/api/projects/vm/targets"))
                        .header("Authorization", "Bearer " + daemon.token())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(targets.body()).contains("\"project\":\"vm\"").contains("\"name\":\"deploy\"");
        var vms = http.send(
                HttpRequest.newBuilder(URI.create("http://" + daemon.address() + "/api/vms"))
                        .header("Authorization", "Bearer " + daemon.token())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(vms.body()).startsWith("{\"vms\":[{\"name\":\"bad\"");
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
