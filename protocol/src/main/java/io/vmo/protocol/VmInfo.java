package io.vmo.protocol;

import java.util.List;
import java.util.Map;

/**
 * A machine vmo can reach over SSH: from a vm-config environment ({@code source} "vm-config", with its
 * {@code environment}) or a {@code Host} alias of the user's ssh config ({@code source} "ssh-config").
 * {@code name} is what commands take ({@code env/vm} when a vm name is not unique). {@code sshHost} is the alias or
 * host name handed to OpenSSH's configuration. {@code presets} are named remote commands (argv) from vmo's
 * config.yml, e.g. a log tail. {@code problem} says what is wrong with the entry, else null.
 */
public record VmInfo(
        String name,
        String environment,
        String host,
        String user,
        String sshHost,
        String source,
        Map<String, List<String>> presets,
        String problem) {

    public VmInfo {
        presets = presets == null ? Map.of() : Map.copyOf(presets);
    }
}
