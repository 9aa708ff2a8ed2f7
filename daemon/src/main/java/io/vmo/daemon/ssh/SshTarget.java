package io.vmo.daemon.ssh;

import java.nio.file.Path;
import java.util.List;

/**
 * Where and how to connect, as OpenSSH resolved it for one alias: the host to dial, the name its key is filed
 * under in known_hosts, the keys to try, and the jump hosts to go through (outermost first).
 *
 * @param hostKeyAlias OpenSSH's HostKeyAlias: the name to look the host key up under instead of the host's, or null
 * @param identitiesOnly OpenSSH's IdentitiesOnly: offer only the identity files' keys, even when the agent holds more
 * @param identityAgent OpenSSH's IdentityAgent: null (the daemon's SSH_AUTH_SOCK), {@code none}, or a socket path
 */
record SshTarget(
        String alias,
        String hostname,
        int port,
        String user,
        String hostKeyAlias,
        List<Path> identityFiles,
        boolean identitiesOnly,
        String identityAgent,
        List<Path> knownHostsFiles,
        List<SshTarget> jumps) {

    /**
     * How known_hosts names it: the HostKeyAlias verbatim when there is one (OpenSSH adds no port to it), else
     * {@code host} on port 22 and {@code [host]:port} otherwise.
     */
    String knownHostsName() {
        if (hostKeyAlias != null) {
            return hostKeyAlias;
        }
        return port == 22 ? hostname : "[" + hostname + "]:" + port;
    }

    /** The same target reached directly, for the hop list of a target behind it. */
    SshTarget withoutJumps() {
        return new SshTarget(
                alias,
                hostname,
                port,
                user,
                hostKeyAlias,
                identityFiles,
                identitiesOnly,
                identityAgent,
                knownHostsFiles,
                List.of());
    }

    /**
     * Pooling key: one connection per user, host, port, route, keys and host key check — two aliases that log in
     * with different keys must each authenticate with their own, and one whose host key is filed under another name
     * (or in other files) must have it checked there.
     */
    String key() {
        StringBuilder key = new StringBuilder();
        jumps.forEach(j -> key.append(j.key()).append(" -> "));
        return key.append(user)
                .append('@')
                .append(hostname)
                .append(':')
                .append(port)
                .append(' ')
                .append(identityFiles)
                .append(identitiesOnly ? " only" : "")
                .append(' ')
                .append(identityAgent)
                .append(" known as ")
                .append(knownHostsName())
                .append(" in ")
                .append(knownHostsFiles)
                .toString();
    }
}
