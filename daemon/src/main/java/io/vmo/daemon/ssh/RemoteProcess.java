package io.vmo.daemon.ssh;

import io.vmo.daemon.job.JobProcess;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.connection.channel.direct.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A command running on a VM, in a session channel of a shared connection. */
final class RemoteProcess implements JobProcess {

    private static final Logger log = LoggerFactory.getLogger(RemoteProcess.class);

    private final SshConnections.Lease lease;
    private final Session session;
    private final Session.Command command;
    private final long pgid;

    private RemoteProcess(SshConnections.Lease lease, Session session, Session.Command command, long pgid) {
        this.lease = lease;
        this.session = session;
        this.command = command;
        this.pgid = pgid;
    }

    static RemoteProcess start(SshConnections.Lease lease, List<String> argv) {
        Session session = null;
        try {
            session = lease.client.startSession();
            Session.Command command = session.exec(RemoteCommand.wrap(argv));
            return new RemoteProcess(lease, session, command, readPgid(command.getInputStream()));
        } catch (IOException e) {
            closeQuietly(session);
            lease.close();
            throw new VmoException(ErrorCode.SSH_FAILED, "cannot start the command on the VM: " + e.getMessage());
        }
    }

    /** The wrapper's first line: its pid, which is also the process group of the whole command. */
    static long readPgid(InputStream stdout) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = stdout.read()) != -1 && b != '\n' && line.length() < 20; ) {
            line.append((char) b);
        }
        try {
            return Long.parseLong(line.toString().strip());
        } catch (NumberFormatException e) {
            return -1; // no POSIX sh there; cancel can then only close the channel
        }
    }

    @Override
    public InputStream stdout() {
        return command.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return command.getErrorStream();
    }

    @Override
    public Integer waitFor() throws IOException {
        return exitStatus(command, lease);
    }

    /**
     * Waits for a remote command's end: its exit status, or null when a signal ended it; a connection that closed
     * with neither is an error (the job fails naming it, rather than passing for a command that ended).
     */
    static Integer exitStatus(Session.Command command, SshConnections.Lease lease) throws IOException {
        command.join();
        Integer status = command.getExitStatus();
        if (status == null && command.getExitSignal() == null && !lease.client.isConnected()) {
            throw new IOException("the SSH connection closed before the command ended");
        }
        return status;
    }

    @Override
    public void terminate() {
        signal("TERM");
    }

    @Override
    public void kill() {
        signal("KILL");
        closeQuietly(session);
    }

    /** `kill -SIG -- -pgid`, over a second channel of the same connection. */
    private void signal(String name) {
        if (pgid > 0) {
            sendSignal(lease, RemoteCommand.signalGroup(pgid, name), "SIG" + name + " to remote process group " + pgid);
        }
    }

    /**
     * Runs {@code killCommand} (one of {@link RemoteCommand}'s) over a second channel of the lease's connection; a
     * failure is logged ({@code what} says what was sent), as the job is ending either way.
     */
    static void sendSignal(SshConnections.Lease lease, String killCommand, String what) {
        if (!lease.client.isConnected()) {
            return;
        }
        try (Session control = lease.client.startSession()) {
            Session.Command kill = control.exec(killCommand);
            kill.join(5, TimeUnit.SECONDS);
        } catch (IOException | IllegalStateException e) { // IllegalState: the connection dropped meanwhile
            log.warn("cannot send {}: {}", what, e.toString());
        }
    }

    @Override
    public void release() {
        closeQuietly(session);
        lease.close();
    }

    static void closeQuietly(Session session) {
        if (session != null) {
            try {
                session.close();
            } catch (IOException e) {
                log.debug("closing a session: {}", e.toString());
            }
        }
    }
}
