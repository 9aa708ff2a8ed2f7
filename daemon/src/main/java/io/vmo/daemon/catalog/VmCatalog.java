package io.vmo.daemon.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vmo.daemon.Settings;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmInfo;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VMs vmo can reach: those of the vm-config environments ({@code <root>/<env>/config.yml} with a {@code vms:}
 * map of {@code host}, {@code ansible_user} and an optional {@code ssh_host} alias), and the {@code Host} aliases
 * of the user's ssh config (patterns left out). Read on each request, so edits show at once; a broken file is
 * listed as a problem, never a failed request.
 */
public final class VmCatalog {

    private static final Logger log = LoggerFactory.getLogger(VmCatalog.class);
    private static final YAMLMapper YAML = new YAMLMapper();

    private final Supplier<Settings> settings;
    private final Path home;

    public VmCatalog(Supplier<Settings> settings, Path home) {
        this.settings = settings;
        this.home = home;
    }

    public List<VmInfo> vms() {
        Settings current = settings.get();
        List<VmInfo> vms = new ArrayList<>();
        if (current.problem() != null) {
            vms.add(problem("config.yml", null, current.problem()));
        }
        for (Path root : current.vmConfigRoots()) {
            vms.addAll(vmConfig(root));
        }
        Set<String> taken = new HashSet<>();
        vms.forEach(v -> taken.add(v.name()));
        for (String alias :
                sshAliases(current.sshConfig() != null ? current.sshConfig() : home.resolve(".ssh/config"))) {
            if (taken.add(alias)) {
                vms.add(new VmInfo(alias, null, null, null, alias, "ssh-config", null, null));
            }
        }
        vms.stream().filter(v -> v.problem() != null).forEach(v -> log.warn("vm {}: {}", v.name(), v.problem()));
        // Presets are keyed by the name a VM is listed under.
        return vms.stream()
                .map(v -> current.logPresets().containsKey(v.name())
                        ? new VmInfo(
                                v.name(),
                                v.environment(),
                                v.host(),
                                v.user(),
                                v.sshHost(),
                                v.source(),
                                current.logPresets().get(v.name()),
                                v.problem())
                        : v)
                .toList();
    }

    /** The VM called {@code name}, if it can be used; otherwise an error that says why or what exists. */
    public VmInfo vm(String name) {
        List<VmInfo> vms = vms();
        VmInfo vm = vms.stream()
                .filter(v -> v.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new VmoException(
                        ErrorCode.UNKNOWN_VM,
                        "no VM \"" + name + "\"; `vmo vms` lists "
                                + (vms.isEmpty()
                                        ? "none yet: add vm_config_roots to config.yml or Host entries to"
                                                + " ~/.ssh/config"
                                        : "them ("
                                                + String.join(
                                                        ", ",
                                                        vms.stream()
                                                                .map(VmInfo::name)
                                                                .toList()) + ")")));
        if (vm.problem() != null) {
            throw new VmoException(ErrorCode.UNKNOWN_VM, "VM \"" + name + "\": " + vm.problem());
        }
        return vm;
    }

    /** One root: each subfolder with a config.yml is an environment. */
    private List<VmInfo> vmConfig(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of(problem(
                    root.toString(),
                    null,
                    "vm-config root " + root + " is not a folder; fix" + " vm_config_roots in config.yml"));
        }
        List<VmInfo> found = new ArrayList<>();
        try (DirectoryStream<Path> envs = Files.newDirectoryStream(root, Files::isDirectory)) {
            List<Path> sorted = new ArrayList<>();
            envs.forEach(sorted::add);
            sorted.sort(null);
            for (Path env : sorted) {
                Path config = env.resolve("config.yml");
                if (Files.isRegularFile(config)) {
                    found.addAll(environment(env.getFileName().toString(), config));
                }
            }
        } catch (IOException e) {
            return List.of(
                    problem(root.toString(), null, "cannot read vm-config root " + root + ": " + e.getMessage()));
        }
        // A name used in several environments is addressed as env/name.
        Map<String, Integer> counts = new HashMap<>();
        found.forEach(v -> counts.merge(v.name(), 1, Integer::sum));
        return found.stream()
                .map(v -> counts.get(v.name()) > 1 && v.environment() != null
                        ? new VmInfo(
                                v.environment() + "/" + v.name(),
                                v.environment(),
                                v.host(),
                                v.user(),
                                v.sshHost(),
                                v.source(),
                                null,
                                v.problem())
                        : v)
                .toList();
    }

    private List<VmInfo> environment(String env, Path config) {
        JsonNode vms;
        try {
            vms = YAML.readTree(config.toFile()).path("vms");
        } catch (IOException | RuntimeException e) {
            return List.of(problem(
                    env,
                    env,
                    config + " is not valid YAML: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
        }
        if (!vms.isObject()) {
            return List.of(problem(env, env, config + " has no \"vms:\" map"));
        }
        List<VmInfo> result = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) vms::fields) {
            JsonNode vm = entry.getValue();
            String host = text(vm, "host");
            String sshHost = text(vm, "ssh_host");
            if (host == null && sshHost == null) {
                result.add(problem(
                        entry.getKey(), env, config + ": vm \"" + entry.getKey() + "\" has neither host nor ssh_host"));
            } else {
                result.add(new VmInfo(
                        entry.getKey(),
                        env,
                        host,
                        text(vm, "ansible_user"),
                        sshHost != null ? sshHost : host,
                        "vm-config",
                        null,
                        null));
            }
        }
        return result;
    }

    /** The concrete {@code Host} aliases of an ssh config and the files it includes. */
    static List<String> sshAliases(Path config) {
        Set<String> aliases = new LinkedHashSet<>();
        collectAliases(config, config.getParent(), aliases, new HashSet<>());
        return List.copyOf(aliases);
    }

    private static void collectAliases(Path file, Path sshDir, Set<String> aliases, Set<Path> seen) {
        if (!seen.add(file.toAbsolutePath().normalize()) || !Files.isRegularFile(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            log.warn("cannot read ssh config {}: {}", file, e.getMessage());
            return;
        }
        for (String line : lines) {
            String[] words = line.strip().split("[\\s=]+");
            String keyword = words[0].toLowerCase(Locale.ROOT);
            if (keyword.equals("host")) {
                Stream.of(words)
                        .skip(1)
                        .filter(w -> !w.isEmpty() && w.chars().noneMatch(c -> c == '*' || c == '?' || c == '!'))
                        .forEach(aliases::add);
            } else if (keyword.equals("include")) {
                Stream.of(words)
                        .skip(1)
                        .forEach(pattern ->
                                included(pattern, sshDir).forEach(p -> collectAliases(p, sshDir, aliases, seen)));
            }
        }
    }

    /** An Include pattern, relative to ~/.ssh as OpenSSH reads it, with a glob in its last part. */
    private static List<Path> included(String pattern, Path sshDir) {
        Path path =
                pattern.startsWith("~/") ? sshDir.getParent().resolve(pattern.substring(2)) : sshDir.resolve(pattern);
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (DirectoryStream<Path> files =
                Files.newDirectoryStream(dir, path.getFileName().toString())) {
            List<Path> sorted = new ArrayList<>();
            files.forEach(sorted::add);
            sorted.sort(null);
            return sorted;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static VmInfo problem(String name, String env, String problem) {
        return new VmInfo(name, env, null, null, null, "vm-config", null, problem);
    }
}
