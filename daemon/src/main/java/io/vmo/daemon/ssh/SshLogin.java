package io.vmo.daemon.ssh;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthPublickey;

/**
 * Public-key login with the keys OpenSSH would offer, in its order (ssh's pubkey_prepare): first the identity files'
 * keys that the agent holds (signed by the agent, so a passphrase-protected key unlocked with ssh-add works), then
 * the agent's other keys unless IdentitiesOnly, then the identity files the agent does not hold, read from disk.
 */
final class SshLogin {

    private final SshTarget target;
    private final SshAgent agent;

    /** {@code agent} null: no agent for this host (none in the environment, or IdentityAgent none). */
    SshLogin(SshTarget target, SshAgent agent) {
        this.target = target;
        this.agent = agent;
    }

    /** An IdentityFile entry and its public key, if known (from its {@code .pub}). */
    private record IdentityFile(Path file, PublicKey publicKey) {}

    void authenticate(SSHClient client, String where) {
        List<String> problems = new ArrayList<>();
        List<IdentityFile> files = new ArrayList<>();
        for (Path file : target.identityFiles()) {
            if (Files.isRegularFile(file)) {
                files.add(new IdentityFile(file, publicKeyOf(file)));
            }
        }
        List<AuthMethod> preferred = new ArrayList<>();
        List<AuthMethod> agentOnly = new ArrayList<>();
        List<String> offered = new ArrayList<>();
        for (SshAgent.Identity identity : agentIdentities(problems)) {
            IdentityFile file = files.stream()
                    .filter(f -> identity.matches(f.publicKey()))
                    .findFirst()
                    .orElse(null);
            if (file != null) {
                files.remove(file);
                preferred.add(new AgentPublickey(agent, identity));
                offered.add(file.file() + " (from the ssh-agent)");
            } else if (!target.identitiesOnly() && identity.publicKey() != null) {
                agentOnly.add(new AgentPublickey(agent, identity));
                offered.add("the ssh-agent's " + identity);
            }
        }
        List<AuthMethod> methods = new ArrayList<>(preferred);
        methods.addAll(agentOnly);
        for (IdentityFile file : files) {
            KeyProvider key = readPrivate(client, file.file(), problems);
            if (key != null) {
                methods.add(new AuthPublickey(key));
                offered.add(file.file().toString());
            }
        }
        if (methods.isEmpty()) {
            throw new VmoException(
                    ErrorCode.SSH_FAILED,
                    "no usable key to log in to " + where + ": "
                            + (problems.isEmpty()
                                    ? "none of the IdentityFile entries exists (" + target.identityFiles() + ")"
                                            + (agent == null
                                                    ? " and there is no ssh-agent (SSH_AUTH_SOCK is not set)"
                                                    : " and the ssh-agent holds no key"
                                                            + (target.identitiesOnly()
                                                                    ? " of them (IdentitiesOnly is set)"
                                                                    : ""))
                                    : String.join("; ", problems)));
        }
        try {
            client.auth(target.user(), methods);
        } catch (UserAuthException | TransportException e) {
            throw new VmoException(
                    ErrorCode.SSH_FAILED,
                    where + " refused the login of " + target.user() + " with "
                            + String.join(", ", offered) + ": " + e.getMessage()
                            + (problems.isEmpty() ? "" : "; also: " + String.join("; ", problems)));
        }
    }

    private List<SshAgent.Identity> agentIdentities(List<String> problems) {
        if (agent == null) {
            return List.of();
        }
        try {
            return agent.identities();
        } catch (IOException e) {
            problems.add("the ssh-agent at " + agent.socket() + " cannot be asked (" + e.getMessage()
                    + "); is it still running? Check SSH_AUTH_SOCK in the daemon's environment");
            return List.of();
        }
    }

    /** The key in the file's {@code .pub} (or the file itself, if it is one), as ssh looks it up in the agent. */
    private static PublicKey publicKeyOf(Path file) {
        Path pub = file.toString().endsWith(".pub") ? file : file.resolveSibling(file.getFileName() + ".pub");
        try {
            String[] fields = Files.readString(pub).strip().split("\\s+");
            return fields.length < 2
                    ? null
                    : new Buffer.PlainBuffer(Base64.getDecoder().decode(fields[1])).readPublicKey();
        } catch (IOException | RuntimeException e) {
            return null; // no .pub: the key can still be used from the file, just not matched with the agent's
        }
    }

    private KeyProvider readPrivate(SSHClient client, Path file, List<String> problems) {
        if (file.toString().endsWith(".pub")) {
            problems.add(file + " is a public key and the ssh-agent does not hold its private key"
                    + (agent == null ? " (there is no ssh-agent: SSH_AUTH_SOCK is not set)" : ""));
            return null;
        }
        try {
            KeyProvider key = client.loadKeys(file.toString());
            key.getPrivate(); // an encrypted key fails here, not deep inside authentication
            return key;
        } catch (IOException | RuntimeException e) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            problems.add(file
                    + (message.contains("pass") || message.contains("encrypt")
                            ? agent == null
                                    ? " is passphrase-protected and vmo has no ssh-agent to ask (load it with ssh-add and run"
                                            + " the daemon with SSH_AUTH_SOCK set, or use a key without a passphrase)"
                                    : " is passphrase-protected and the ssh-agent at " + agent.socket()
                                            + " does not hold" + " it (load it with ssh-add " + file + ")"
                            : " cannot be read: " + e.getMessage()));
            return null;
        }
    }
}
