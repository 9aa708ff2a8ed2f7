package io.vmo.daemon.ssh;

import io.vmo.daemon.job.TerminalProcess;
import io.vmo.daemon.job.TerminalSize;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * A command, or the user's login shell, in a pseudo-terminal on a VM: a session channel with a PTY, on a shared
 * connection. It runs behind the same wrapper as {@link RemoteProcess}, whose first line gives the session id,
 * so cancel can signal everything the session started over a second channel.
 */
final class RemoteTerminal implements TerminalProcess {

    private static final String TERM = "xterm-256color";

    private final SshConnections.Lease lease;
    private final Session session;
    private final Session.Command command;
    private final OutputStream input;
    private final long sid;

    private RemoteTerminal(SshConnections.Lease lease, Session session, Session.Command command, long sid) {
        this.lease = lease;
        this.session = session;
        this.command = command;
        this.input = command.getOutputStream();
        this.sid = sid;
    }

    static RemoteTerminal start(SshConnections.Lease lease, List<String> argv, TerminalSize size) {
        Session session = null;
        try {
            session = lease.client.startSession();
            // The size travels with the PTY request, so the program's first look at it is right.
            session.allocatePTY(TERM, size.cols(), size.rows(), 0, 0, Map.of());
            Session.Command command =
                    session.exec(argv.isEmpty() ? RemoteCommand.loginShell() : RemoteCommand.wrap(argv));
            return new RemoteTerminal(lease, session, command, RemoteProcess.readPgid(command.getInputStream()));
        } catch (IOException e) {
            RemoteProcess.closeQuietly(session);
            lease.close();
            throw new VmoException(ErrorCode.SSH_FAILED, "cannot start a terminal on the VM: " + e.getMessage());
        }
    }

    @Override
    public InputStream stdout() {
        return command.getInputStream();
    }

    @Override
    public Integer waitFor() throws IOException {
        return RemoteProcess.exitStatus(command, lease);
    }

    @Override
    public void write(byte[] data) throws IOException {
        synchronized (input) {
            input.write(data);
            input.flush();
        }
    }

    @Override
    public void resize(TerminalSize size) throws IOException {
        ((Session.Shell) session).changeWindowDimensions(size.cols(), size.rows(), 0, 0);
    }

    /** SIGHUP, as a terminal hanging up (an interactive shell ignores SIGTERM), then SIGTERM. */
    @Override
    public void terminate() {
        signal("HUP");
        signal("TERM");
        signal("CONT"); // a program stopped with Ctrl-Z acts on them only once resumed
    }

    @Override
    public void kill() {
        signal("KILL");
        RemoteProcess.closeQuietly(session);
    }

    private void signal(String name) {
        if (sid > 0) {
            RemoteProcess.sendSignal(
                    lease, RemoteCommand.signalSession(sid, name), "SIG" + name + " to remote session " + sid);
        }
    }

    @Override
    public void release() {
        RemoteProcess.closeQuietly(session);
        lease.close();
    }
}
