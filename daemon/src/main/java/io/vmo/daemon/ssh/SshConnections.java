package io.vmo.daemon.ssh;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.net.SocketTimeoutException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticated SSH connections, one per user, host, route and keys, shared by all jobs on that VM (sshj runs many
 * channels over one connection) and closed once no job has used it for the idle period.
 *
 * <p>Two locks: the pool's, held only to find a VM's slot and count its users, and each slot's, held while that
 * VM's connection is set up. A slow or unreachable VM thus delays only the jobs waiting for that same VM, and still
 * only one connection to it is opened.
 */
final class SshConnections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SshConnections.class);
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    /** A connection in use by one job; {@link #close()} hands it back. */
    final class Lease implements AutoCloseable {
        final SSHClient client;
        private final Slot slot;
        private boolean closed;

        private Lease(Slot slot, SSHClient client) {
            this.slot = slot;
            this.client = client;
        }

        @Override
        public void close() {
            synchronized (SshConnections.this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release(slot);
        }
    }

    /** One VM's place in the pool: its connection (guarded by the slot) and its users (guarded by the pool). */
    private static final class Slot {
        final String key;
        volatile Connected connection;
        int users;
        ScheduledFuture<?> idleClose;

        Slot(String key) {
            this.key = key;
        }
    }

    private record Connected(SSHClient client, List<SSHClient> jumps) {

        boolean usable() {
            return client.isConnected() && client.isAuthenticated();
        }

        void disconnect() {
            quietly(client);
            jumps.reversed().forEach(SshConnections::quietly);
        }
    }

    private final Duration idle;
    private final Path defaultAgent;
    private final Map<String, Slot> pool = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("vmo-ssh-idle").daemon().factory());
    private boolean closed;

    /** {@code defaultAgent}: the ssh-agent socket of the daemon's environment (SSH_AUTH_SOCK), or null. */
    SshConnections(Duration idle, Path defaultAgent) {
        this.idle = idle;
        this.defaultAgent = defaultAgent;
    }

    Lease acquire(SshTarget target) {
        Slot slot;
        synchronized (this) {
            if (closed) {
                throw new VmoException(ErrorCode.SSH_FAILED, "the daemon is shutting down");
            }
            slot = pool.computeIfAbsent(target.key(), Slot::new);
            slot.users++;
            if (slot.idleClose != null) {
                slot.idleClose.cancel(false);
                slot.idleClose = null;
            }
        }
        try {
            synchronized (slot) { // only jobs for this same VM wait here while it connects
                if (slot.connection != null && !slot.connection.usable()) {
                    slot.connection.disconnect(); // dropped since: a fresh one
                    slot.connection = null;
                }
                if (slot.connection == null) {
                    slot.connection = connect(target);
                }
                if (isClosed()) { // the daemon stopped while this VM was connecting: nobody would close it
                    slot.connection.disconnect();
                    throw new VmoException(ErrorCode.SSH_FAILED, "the daemon is shutting down");
                }
                return new Lease(slot, slot.connection.client());
            }
        } catch (RuntimeException e) {
            release(slot);
            throw e;
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private void release(Slot slot) {
        synchronized (this) {
            if (--slot.users > 0 || closed) {
                return;
            }
            slot.idleClose = timer.schedule(() -> closeIfIdle(slot), idle.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void closeIfIdle(Slot slot) {
        synchronized (this) {
            if (slot.users > 0 || pool.get(slot.key) != slot) {
                return;
            }
            pool.remove(slot.key); // a job arriving from now on gets a new slot and connection
        }
        synchronized (slot) {
            if (slot.connection != null) {
                log.debug("closing the idle SSH connection {}", slot.key);
                slot.connection.disconnect();
                slot.connection = null;
            }
        }
    }

    private Connected connect(SshTarget target) {
        List<SSHClient> chain = new ArrayList<>();
        try {
            SSHClient via = null;
            for (SshTarget jump : target.jumps()) {
                via = open(jump, via);
                chain.add(via);
            }
            return new Connected(open(target, via), chain);
        } catch (RuntimeException e) {
            chain.reversed().forEach(SshConnections::quietly);
            throw e;
        }
    }

    /** Connects (directly, or through {@code via}), verifies the host key and authenticates. */
    private SSHClient open(SshTarget target, SSHClient via) {
        SSHClient client = new SSHClient();
        KnownHostsVerifier verifier = new KnownHostsVerifier(target.knownHostsFiles(), target.hostKeyAlias());
        client.addHostKeyVerifier(verifier);
        client.setConnectTimeout(CONNECT_TIMEOUT_MS);
        // Also bounds the wait for the server's greeting: a port that accepts but never speaks SSH would otherwise
        // hold the job (and every other job for that VM) forever.
        client.setTimeout(CONNECT_TIMEOUT_MS);
        String where = target.alias() + " (" + target.user() + "@" + target.hostname() + ":" + target.port()
                + (via == null ? "" : ", through a jump host") + ")";
        try {
            if (via == null) {
                client.connect(target.hostname(), target.port());
                // Connected: from now on the keep-alive finds a dead peer, and a quiet command is no timeout.
                client.getSocket().setSoTimeout(0);
            } else {
                client.connectVia(via.newDirectConnection(target.hostname(), target.port()));
            }
            // Finds a dead connection (a VM that vanished) instead of waiting on it forever.
            client.getConnection().getKeepAlive().setKeepAliveInterval(15);
        } catch (IOException e) {
            quietly(client);
            String why = verifier.refusal() != null
                    ? verifier.refusal()
                    : timedOut(e) != null ? timedOut(e) : String.valueOf(e.getMessage());
            throw new VmoException(ErrorCode.SSH_FAILED, "cannot connect to " + where + ": " + why);
        }
        try {
            new SshLogin(target, agentFor(target)).authenticate(client, where);
        } catch (RuntimeException e) {
            quietly(client);
            throw e;
        }
        return client;
    }

    /** The agent to ask, as OpenSSH picks it: IdentityAgent if set ({@code none}: no agent), else SSH_AUTH_SOCK. */
    private SshAgent agentFor(SshTarget target) {
        String configured = target.identityAgent();
        if (configured == null || configured.equals("SSH_AUTH_SOCK")) {
            return defaultAgent == null ? null : new SshAgent(defaultAgent);
        }
        return configured.equals("none") ? null : new SshAgent(Path.of(configured));
    }

    /** What timed out, in words, or null if nothing did. */
    private static String timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                int seconds = CONNECT_TIMEOUT_MS / 1000;
                return String.valueOf(t.getMessage())
                                .toLowerCase(java.util.Locale.ROOT)
                                .contains("connect")
                        ? "no answer within " + seconds + " s; is the host up and the port right?"
                        : "connected, but no SSH greeting within " + seconds + " s; is it an SSH server?";
            }
        }
        return null;
    }

    private static void quietly(SSHClient client) {
        try {
            client.disconnect();
        } catch (IOException e) {
            log.debug("disconnecting: {}", e.toString());
        }
    }

    @Override
    public void close() {
        List<Slot> slots;
        synchronized (this) {
            closed = true;
            slots = List.copyOf(pool.values());
            pool.clear();
        }
        timer.shutdownNow();
        for (Slot slot : slots) {
            Connected connection = slot.connection; // not under the slot's lock: one may be stuck connecting
            if (connection != null) {
                connection.disconnect();
            }
        }
    }
}
