package io.vmo.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code vmo daemon} as the client sees it: listed with the other commands, but run by bin/vmo from the daemon's
 * own jar, never in this JVM. The client's class path holds none of the daemon (Netty, PostgreSQL, sshj, pty4j,
 * Flyway), so a client command cannot load any of it: {@code vmo jobs} loaded about 3,800 classes before (issue 13),
 * 2,729 after. Reaching this means the client's jar was started by hand.
 */
@Command(name = "daemon", description = "Run the vmo daemon in the foreground (`vmo daemon --help` for its options).")
final class DaemonEntry implements Callable<Integer> {

    @Unmatched
    List<String> arguments;

    @Override
    public Integer call() {
        throw new CliException("this jar is vmo's client only; start the daemon with the launcher: bin/vmo daemon"
                + (arguments == null || arguments.isEmpty() ? "" : " " + String.join(" ", arguments)));
    }
}
