package io.vmo.daemon.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Accepts a host key only if the user's known_hosts files list it for that host — never trust on first use, never
 * {@code StrictHostKeyChecking=no}. When it refuses, {@link #refusal()} says why in words a user can act on, with
 * the key's SHA256 fingerprint as {@code ssh} shows it. With a HostKeyAlias, the key is looked up under the alias
 * alone, as OpenSSH does (no port is added to it).
 */
final class KnownHostsVerifier implements HostKeyVerifier {

    private final List<Path> files;
    private final String hostKeyAlias;
    private volatile String refusal;

    /** {@code hostKeyAlias} null: look keys up under the host and port connected to. */
    KnownHostsVerifier(List<Path> files, String hostKeyAlias) {
        this.files = files;
        this.hostKeyAlias = hostKeyAlias;
    }

    @Override
    public boolean verify(String host, int connectedPort, PublicKey key) {
        // sshj names {@code [host]:port} for any port but 22: port 22 makes it use the alias verbatim.
        String hostname = hostKeyAlias != null ? hostKeyAlias : host;
        int port = hostKeyAlias != null ? 22 : connectedPort;
        boolean[] changed = {false};
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                var knownHosts = new OpenSSHKnownHosts(file.toFile()) {
                    @Override
                    protected boolean hostKeyChangedAction(String host, PublicKey k) {
                        changed[0] = true;
                        return false;
                    }
                };
                if (knownHosts.verify(hostname, port, key)) {
                    return true;
                }
            } catch (IOException e) {
                // an unreadable file lists nothing
            }
        }
        String name = port == 22 ? hostname : "[" + hostname + "]:" + port;
        String as = hostKeyAlias == null ? "" : " (the HostKeyAlias of " + host + ":" + connectedPort + ")";
        String fingerprint = KeyType.fromKey(key) + " key " + fingerprint(key);
        refusal = changed[0]
                ? "the host key of " + name + as + " has CHANGED (now " + fingerprint + ") — someone may be"
                        + " intercepting the connection, or the host was reinstalled. If you know why, remove the old"
                        + " entry with `ssh-keygen -R '" + name + "'` and connect once with ssh to accept the new key"
                : "the host key of " + name + as + " (" + fingerprint + ") is not in "
                        + files.stream()
                                .map(Path::toString)
                                .filter(f -> !f.startsWith("/etc/"))
                                .findFirst()
                                .orElse("known_hosts")
                        + "; check the fingerprint, then connect once with ssh to accept it";
        return false;
    }

    @Override
    public List<String> findExistingAlgorithms(String host, int connectedPort) {
        String hostname = hostKeyAlias != null ? hostKeyAlias : host;
        int port = hostKeyAlias != null ? 22 : connectedPort;
        Set<String> algorithms = new LinkedHashSet<>();
        for (Path file : files) {
            if (Files.isRegularFile(file)) {
                try {
                    algorithms.addAll(new OpenSSHKnownHosts(file.toFile()).findExistingAlgorithms(hostname, port));
                } catch (IOException e) {
                    // an unreadable file lists nothing
                }
            }
        }
        return new ArrayList<>(algorithms);
    }

    /** Why the last key was refused, or null. */
    String refusal() {
        return refusal;
    }

    /** {@code SHA256:…}, as {@code ssh} and {@code ssh-keygen -l} print it. */
    static String fingerprint(PublicKey key) {
        byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
