package io.vmo.daemon.ssh;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticated SSH connections, one per user, host and route, shared by all jobs on that VM (sshj runs many
 * channels over one connection) and closed after a minute without any.
 */
final class SshConnections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SshConnections.class);
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    /** A connection in use by one job; {@link #close()} hands it back. */
    final class Lease implements AutoCloseable {
        final SSHClient client;
        private final Pooled pooled;
        private boolean closed;

        private Lease(Pooled pooled) {
            this.pooled = pooled;
            this.client = pooled.client;
        }

        @Override
        public void close() {
            synchronized (SshConnections.this) {
                if (!closed) {
                    closed = true;
                    release(pooled);
                }
            }
        }
    }

    private static final class Pooled {
        final String key;
        final SSHClient client;
        final List<SSHClient> jumps;
        int users;
        ScheduledFuture<?> idleClose;

        Pooled(String key, SSHClient client, List<SSHClient> jumps) {
            this.key = key;
            this.client = client;
            this.jumps = jumps;
        }
    }

    private final Map<String, Pooled> pool = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("vmo-ssh-idle").daemon().factory());

    synchronized Lease acquire(SshTarget target) {
        Pooled pooled = pool.get(target.key());
        if (pooled != null && !(pooled.client.isConnected() && pooled.client.isAuthenticated())) {
            disconnect(pool.remove(target.key()));
            pooled = null;
        }
        if (pooled == null) {
            pooled = connect(target);
            pool.put(pooled.key, pooled);
        }
        if (pooled.idleClose != null) {
            pooled.idleClose.cancel(false);
            pooled.idleClose = null;
        }
        pooled.users++;
        return new Lease(pooled);
    }

    private void release(Pooled pooled) {
        if (--pooled.users == 0) {
            pooled.idleClose = timer.schedule(() -> {
                synchronized (this) {
                    if (pooled.users == 0 && pool.get(pooled.key) == pooled) {
                        disconnect(pool.remove(pooled.key));
                    }
                }
            }, IDLE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Pooled connect(SshTarget target) {
        List<SSHClient> chain = new ArrayList<>();
        try {
            SSHClient via = null;
            for (SshTarget jump : target.jumps()) {
                via = open(jump, via);
                chain.add(via);
            }
            return new Pooled(target.key(), open(target, via), chain);
        } catch (RuntimeException e) {
            chain.forEach(SshConnections::quietly);
            throw e;
        }
    }

    /** Connects (directly, or through {@code via}), verifies the host key and authenticates. */
    private static SSHClient open(SshTarget target, SSHClient via) {
        SSHClient client = new SSHClient();
        KnownHostsVerifier verifier = new KnownHostsVerifier(target.knownHostsFiles());
        client.addHostKeyVerifier(verifier);
        client.setConnectTimeout(CONNECT_TIMEOUT_MS);
        String where = target.alias() + " (" + target.user() + "@" + target.hostname() + ":" + target.port()
                + (via == null ? "" : ", through a jump host") + ")";
        try {
            if (via == null) {
                client.connect(target.hostname(), target.port());
            } else {
                client.connectVia(via.newDirectConnection(target.hostname(), target.port()));
            }
            // Finds a dead connection (a VM that vanished) instead of waiting on it forever.
            client.getConnection().getKeepAlive().setKeepAliveInterval(15);
        } catch (IOException e) {
            quietly(client);
            String why = verifier.refusal() != null ? verifier.refusal() : String.valueOf(e.getMessage());
            throw new VmoException(ErrorCode.SSH_FAILED, "cannot connect to " + where + ": " + why);
        }
        authenticate(client, target, where);
        return client;
    }

    private static void authenticate(SSHClient client, SshTarget target, String where) {
        List<KeyProvider> keys = new ArrayList<>();
        List<String> unusable = new ArrayList<>();
        for (Path file : target.identityFiles()) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                KeyProvider key = client.loadKeys(file.toString());
                key.getPrivate(); // an encrypted key fails here, not deep inside authentication
                keys.add(key);
            } catch (IOException | RuntimeException e) {
                unusable.add(file + (String.valueOf(e.getMessage()).toLowerCase().contains("pass")
                        || String.valueOf(e.getMessage()).toLowerCase().contains("encrypt")
                        ? " is passphrase-protected and vmo has no ssh-agent to ask (load it with ssh-add and run"
                                + " the daemon with SSH_AUTH_SOCK set, or use a key without a passphrase)"
                        : " cannot be read: " + e.getMessage()));
            }
        }
        if (keys.isEmpty()) {
            quietly(client);
            throw new VmoException(ErrorCode.SSH_FAILED, "no usable key to log in to " + where + (unusable.isEmpty()
                    ? ": none of the IdentityFile entries exists (" + target.identityFiles() + ")"
                    : ": " + String.join("; ", unusable)));
        }
        try {
            client.authPublickey(target.user(), keys);
        } catch (UserAuthException | TransportException e) {
            quietly(client);
            throw new VmoException(ErrorCode.SSH_FAILED, where + " refused the login of " + target.user()
                    + " with " + keys.size() + " key(s): " + e.getMessage()
                    + (unusable.isEmpty() ? "" : "; also: " + String.join("; ", unusable)));
        }
    }

    private void disconnect(Pooled pooled) {
        if (pooled != null) {
            quietly(pooled.client);
            pooled.jumps.reversed().forEach(SshConnections::quietly);
        }
    }

    private static void quietly(SSHClient client) {
        try {
            client.disconnect();
        } catch (IOException e) {
            log.debug("disconnecting: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        pool.values().forEach(this::disconnect);
        pool.clear();
        timer.shutdownNow();
    }
}
