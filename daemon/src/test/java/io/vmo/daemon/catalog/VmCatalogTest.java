package io.vmo.daemon.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.daemon.Settings;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmInfo;
import io.vmo.protocol.VmoException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmCatalogTest {

    @TempDir
    Path home;

    @Test
    void readsVmConfigEnvironmentsAndSshAliases() throws Exception {
        Path root = Files.createDirectories(home.resolve("vm-config/environments"));
        write(root.resolve("dev/config.yml"), """
                template: small
                vms:
                  web-1: { host: 10.0.0.5, ansible_user: deploy }
                  db-1: { host: 10.0.0.6, ssh_host: dev-db }
                """);
        write(root.resolve("prod/config.yml"), "vms:\n  web-1:\n    host: 10.1.0.5\n");
        write(root.resolve("broken/config.yml"), "vms: [unclosed\n");
        write(root.resolve("empty/config.yml"), "template: x\n");
        Files.createDirectories(root.resolve("no-config"));
        write(
                home.resolve(".config/vmo/config.yml"),
                "vm_config_roots: [~/vm-config/environments]\n"
                        + "log_presets:\n  db-1:\n    postgres: [journalctl, -u, postgresql, -f]\n");
        write(home.resolve(".ssh/config"), """
                Host jump bastion
                  HostName 192.0.2.1
                Host *.internal !skip
                  User admin
                Include config.d/*
                Host=web-1
                """);
        write(home.resolve(".ssh/config.d/extra"), "Host   extra\n");

        var catalog = new VmCatalog(() -> Settings.load(home.resolve(".config/vmo/config.yml"), home), home);

        assertThat(catalog.vms())
                .containsExactly(
                        new VmInfo(
                                "broken",
                                "broken",
                                null,
                                null,
                                null,
                                "vm-config",
                                null,
                                root.resolve("broken/config.yml") + " is not valid YAML: "
                                        + problemOf(catalog, "broken")),
                        new VmInfo("dev/web-1", "dev", "10.0.0.5", "deploy", "10.0.0.5", "vm-config", null, null),
                        new VmInfo(
                                "db-1",
                                "dev",
                                "10.0.0.6",
                                null,
                                "dev-db",
                                "vm-config",
                                java.util.Map.of("postgres", java.util.List.of("journalctl", "-u", "postgresql", "-f")),
                                null),
                        new VmInfo(
                                "empty",
                                "empty",
                                null,
                                null,
                                null,
                                "vm-config",
                                null,
                                root.resolve("empty/config.yml") + " has no \"vms:\" map"),
                        new VmInfo("prod/web-1", "prod", "10.1.0.5", null, "10.1.0.5", "vm-config", null, null),
                        new VmInfo("jump", null, null, null, "jump", "ssh-config", null, null),
                        new VmInfo("bastion", null, null, null, "bastion", "ssh-config", null, null),
                        new VmInfo("extra", null, null, null, "extra", "ssh-config", null, null),
                        new VmInfo("web-1", null, null, null, "web-1", "ssh-config", null, null));
        assertThat(catalog.vm("db-1").sshHost()).isEqualTo("dev-db");
        assertThat(catalog.vm("db-1").presets())
                .containsEntry("postgres", java.util.List.of("journalctl", "-u", "postgresql", "-f"));
        assertThatThrownBy(() -> catalog.vm("broken")).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> catalog.vm("nope"))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_VM))
                .hasMessageContaining("jump");
    }

    @Test
    void aBrokenSettingsFileIsAProblemNotAFailure() throws Exception {
        write(home.resolve(".config/vmo/config.yml"), "vm_config_roots: 3\nunknown_key: x\n");
        var catalog = new VmCatalog(() -> Settings.load(home.resolve(".config/vmo/config.yml"), home), home);
        assertThat(catalog.vms())
                .singleElement()
                .satisfies(v -> assertThat(v.problem()).contains("config.yml"));
    }

    @Test
    void aMissingRootIsNamed() throws Exception {
        write(home.resolve(".config/vmo/config.yml"), "vm_config_roots: [/nowhere/at/all]\n");
        var catalog = new VmCatalog(() -> Settings.load(home.resolve(".config/vmo/config.yml"), home), home);
        assertThat(catalog.vms())
                .singleElement()
                .satisfies(v -> assertThat(v.problem()).contains("/nowhere/at/all"));
    }

    private static String problemOf(VmCatalog catalog, String name) {
        String problem = catalog.vms().stream()
                .filter(v -> v.name().equals(name))
                .findFirst()
                .orElseThrow()
                .problem();
        return problem.substring(problem.indexOf("is not valid YAML: ") + "is not valid YAML: ".length());
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
