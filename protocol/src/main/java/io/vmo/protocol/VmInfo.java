package io.vmo.protocol;

/**
 * A machine vmo can reach over SSH: from a vm-config environment ({@code source} "vm-config", with its
 * {@code environment}) or a {@code Host} alias of the user's ssh config ({@code source} "ssh-config").
 * {@code name} is what commands take ({@code env/vm} when a vm name is not unique). {@code sshHost} is the alias or
 * host name handed to OpenSSH's configuration. {@code problem} says what is wrong with the entry, else null.
 */
public record VmInfo(String name, String environment, String host, String user, String sshHost, String source,
        String problem) {}
