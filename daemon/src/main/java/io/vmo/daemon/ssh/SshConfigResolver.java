package io.vmo.daemon.ssh;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a host the way OpenSSH does, by asking it: {@code ssh -G} applies Include, Match, wildcard blocks and
 * first-match-wins ordering exactly, which no hand-written parser of ssh_config gets right. Each ProxyJump hop is
 * resolved the same way.
 */
final class SshConfigResolver {

    private static final int MAX_JUMPS = 5;
    private static final Pattern HOP = Pattern.compile("^(?:([^@]+)@)?(\\[[^]]+]|[^:]+)(?::(\\d+))?$");

    private final Path configFile;
    private final Path home;

    /** {@code configFile} null: OpenSSH's default (~/.ssh/config of the daemon's user). */
    SshConfigResolver(Path configFile, Path home) {
        this.configFile = configFile;
        this.home = home;
    }

    SshTarget resolve(String host, String user) {
        return resolve(host, user, null, 0);
    }

    private SshTarget resolve(String host, String user, Integer port, int depth) {
        if (depth > MAX_JUMPS) {
            throw new VmoException(
                    ErrorCode.SSH_FAILED,
                    "more than " + MAX_JUMPS + " ProxyJump hops to reach " + host
                            + "; check the ssh config for a loop");
        }
        Map<String, List<String>> options = sshG(host, user, port);
        String hostname = first(options, "hostname", host);
        List<SshTarget> jumps = new ArrayList<>();
        String proxyJump = first(options, "proxyjump", "none");
        if (!proxyJump.equalsIgnoreCase("none")) {
            for (String hop : proxyJump.split(",")) {
                Matcher m = HOP.matcher(hop.strip());
                if (!m.matches()) {
                    throw new VmoException(ErrorCode.SSH_FAILED, "cannot read ProxyJump \"" + hop + "\" for " + host);
                }
                SshTarget jump = resolve(
                        m.group(2).replaceAll("[\\[\\]]", ""),
                        m.group(1),
                        m.group(3) == null ? null : Integer.valueOf(m.group(3)),
                        depth + 1);
                jumps.addAll(jump.jumps());
                jumps.add(jump.withoutJumps());
            }
        }
        String resolvedUser = first(options, "user", System.getProperty("user.name"));
        Map<Character, String> tokens = Map.of(
                'd', home.toString(), 'h', hostname, 'r', resolvedUser, 'u', System.getProperty("user.name"), '%', "%");
        List<Path> identities = options.getOrDefault("identityfile", List.of()).stream()
                .map(f -> path(f, tokens))
                .toList();
        List<Path> knownHosts = new ArrayList<>();
        for (String key : List.of("userknownhostsfile", "globalknownhostsfile")) {
            for (String line : options.getOrDefault(key, List.of())) {
                for (String file : line.split("\\s+")) {
                    knownHosts.add(path(file, tokens));
                }
            }
        }
        String agent = first(options, "identityagent", null);
        if (agent != null && !agent.equals("none") && !agent.equals("SSH_AUTH_SOCK")) {
            agent = path(agent, tokens).toString();
        }
        return new SshTarget(
                host,
                hostname,
                Integer.parseInt(first(options, "port", "22")),
                resolvedUser,
                first(options, "hostkeyalias", null),
                identities,
                first(options, "identitiesonly", "no").equalsIgnoreCase("yes"),
                agent,
                knownHosts,
                List.copyOf(jumps));
    }

    /** {@code ssh -G}: every option as OpenSSH resolved it, one {@code key value} a line. */
    private Map<String, List<String>> sshG(String host, String user, Integer port) {
        List<String> command = new ArrayList<>(List.of("ssh", "-G"));
        if (configFile != null) {
            command.addAll(List.of("-F", configFile.toString()));
        }
        if (user != null) {
            command.addAll(List.of("-l", user));
        }
        if (port != null) {
            command.addAll(List.of("-p", port.toString()));
        }
        command.addAll(List.of("--", host));
        try {
            Process ssh = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD) // it prints a stray line there
                    .start();
            String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!ssh.waitFor(10, TimeUnit.SECONDS) || ssh.exitValue() != 0) {
                ssh.destroyForcibly();
                throw new VmoException(
                        ErrorCode.SSH_FAILED,
                        "OpenSSH cannot resolve \"" + host + "\" (`" + String.join(" ", command)
                                + "` failed); check the ssh config");
            }
            Map<String, List<String>> options = new HashMap<>();
            for (String line : out.split("\n")) {
                String[] kv = line.strip().split(" ", 2);
                if (kv.length == 2) {
                    options.computeIfAbsent(kv[0].toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(kv[1]);
                }
            }
            return options;
        } catch (IOException e) {
            throw new VmoException(
                    ErrorCode.SSH_FAILED,
                    "cannot run the OpenSSH client (ssh) to resolve \"" + host + "\": " + e.getMessage()
                            + "; install openssh-client");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmoException(ErrorCode.SSH_FAILED, "interrupted while resolving " + host);
        }
    }

    /** {@code ssh -G} leaves {@code ~} and {@code %d}-style tokens unexpanded in file names. */
    private Path path(String file, Map<Character, String> tokens) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < file.length(); i++) {
            char c = file.charAt(i);
            if (c == '%' && i + 1 < file.length() && tokens.containsKey(file.charAt(i + 1))) {
                out.append(tokens.get(file.charAt(++i)));
            } else {
                out.append(c);
            }
        }
        String expanded = out.toString();
        return expanded.startsWith("~/") ? home.resolve(expanded.substring(2)) : Path.of(expanded);
    }

    private static String first(Map<String, List<String>> options, String key, String fallback) {
        List<String> values = options.get(key);
        return values == null || values.isEmpty() ? fallback : values.getFirst();
    }
}
