package io.vmo.daemon.ssh;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one shell string vmo sends: a fixed wrapper, with the user's argv passed as quoted arguments that the remote
 * shell never interprets. The wrapper prints its pid first — the remote session leader, so also the process group
 * of everything the command starts — and then becomes the command itself. Cancel signals that group over a second
 * channel: OpenSSH refuses "signal" requests for root sessions, and closing a channel kills nothing.
 */
final class RemoteCommand {

    private RemoteCommand() {}

    static String wrap(List<String> argv) {
        return "exec sh -c 'echo $$; exec \"$@\"' vmo "
                + argv.stream().map(RemoteCommand::quote).collect(Collectors.joining(" "));
    }

    /**
     * The user's login shell, behind the same pid-printing wrapper. sshd makes a PTY session's command a session
     * leader, so the printed pid is also the session id of everything the shell starts.
     */
    static String loginShell() {
        return "exec sh -c 'echo $$; exec \"${SHELL:-/bin/sh}\" -l' vmo";
    }

    /**
     * Signals a PTY session: its process group, and with {@code pkill -s} (where there is one) the groups an
     * interactive shell made for its jobs.
     */
    static String signalSession(long sid, String signal) {
        return "kill -" + signal + " -- -" + sid + " 2>/dev/null; pkill -" + signal + " -s " + sid
                + " 2>/dev/null; true";
    }

    /** POSIX single quotes: everything literal; a quote itself as {@code '\''}. */
    static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    static String signalGroup(long pgid, String signal) {
        return "kill -" + signal + " -- -" + pgid;
    }
}
