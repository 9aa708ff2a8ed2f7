package io.vmo.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vmo daemon} as the client sees it: listed with the other commands, but run by bin/vmo from the daemon's
 * own jar, never in this JVM. The client's class path holds none of the daemon (Netty, PostgreSQL, sshj, pty4j,
 * Flyway), so a client command cannot load any of it: {@code vmo jobs} loaded about 3,800 classes before (issue 13),
 * 2,729 after. Reaching this means the client's jar was started by hand.
 */
final class DaemonEntry implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this, "daemon", "Run the vmo daemon in the foreground (`vmo daemon --help` for its options).");

    DaemonEntry() {
        spec.parser().unmatchedArgumentsAllowed(true); // the daemon's own arguments, repeated in the message
    }

    @Override
    public Integer call() {
        List<String> arguments = spec.commandLine().getUnmatchedArguments();
        throw new CliException("this jar is vmo's client only; start the daemon with the launcher: bin/vmo daemon"
                + (arguments.isEmpty() ? "" : " " + String.join(" ", arguments)));
    }
}
