package io.vmo.daemon.ssh;

import java.nio.file.Path;
import java.util.List;

/**
 * Where and how to connect, as OpenSSH resolved it for one alias: the host to dial, the name its key is filed
 * under in known_hosts, the identity files to try, and the jump hosts to go through (outermost first).
 */
record SshTarget(String alias, String hostname, int port, String user, String hostKeyAlias,
        List<Path> identityFiles, List<Path> knownHostsFiles, List<SshTarget> jumps) {

    /** How known_hosts names it: {@code host} on port 22, {@code [host]:port} otherwise. */
    String knownHostsName() {
        String name = hostKeyAlias != null ? hostKeyAlias : hostname;
        return port == 22 ? name : "[" + name + "]:" + port;
    }

    /**
     * Pooling key: one connection per user, host, port, route and keys — two aliases that log in with different
     * keys must each authenticate with their own.
     */
    String key() {
        StringBuilder key = new StringBuilder();
        jumps.forEach(j -> key.append(j.key()).append(" -> "));
        return key.append(user).append('@').append(hostname).append(':').append(port).append(' ')
                .append(identityFiles).toString();
    }
}
