package io.vmo.daemon.ssh;

import io.vmo.daemon.Settings;
import io.vmo.daemon.job.JobProcess;
import io.vmo.daemon.job.RemoteLauncher;
import io.vmo.daemon.job.TerminalProcess;
import io.vmo.daemon.job.TerminalSize;
import io.vmo.protocol.VmInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** Runs commands on VMs: resolves the VM through OpenSSH's config, then runs it over a pooled connection. */
public final class SshExecutor implements RemoteLauncher, AutoCloseable {

    private final Supplier<Settings> settings;
    private final Path home;
    private final SshConnections connections;

    /**
     * @param agent the ssh-agent socket of the daemon's environment (SSH_AUTH_SOCK), or null
     * @param idle how long a connection nobody uses stays open
     */
    public SshExecutor(Supplier<Settings> settings, Path home, Path agent, Duration idle) {
        this.settings = settings;
        this.home = home;
        this.connections = new SshConnections(idle, agent);
    }

    @Override
    public JobProcess start(VmInfo vm, List<String> argv) {
        return RemoteProcess.start(connections.acquire(target(vm)), argv);
    }

    @Override
    public TerminalProcess startTerminal(VmInfo vm, List<String> argv, TerminalSize size) {
        return RemoteTerminal.start(connections.acquire(target(vm)), argv, size);
    }

    private SshTarget target(VmInfo vm) {
        return resolver().resolve(vm.sshHost(), vm.user());
    }

    /**
     * For {@code vmo doctor}: resolves a host no VM is, as every VM is resolved (OpenSSH's {@code ssh -G}, with the
     * configured ssh_config), and returns the known_hosts files OpenSSH names for it. Throws as a VM's resolution
     * would (a {@code VmoException} that says what to fix).
     */
    public List<Path> knownHostsFiles() {
        return resolver().resolve("vmo-doctor.invalid", null).knownHostsFiles();
    }

    private SshConfigResolver resolver() {
        return new SshConfigResolver(settings.get().sshConfig(), home);
    }

    @Override
    public void close() {
        connections.close();
    }
}
