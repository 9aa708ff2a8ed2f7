package io.vmo.daemon;

import picocli.CommandLine;

/**
 * The daemon's program, {@code vmo daemon}: bin/vmo runs it from the daemon's own jar and class path, so that the
 * client commands, in the CLI's jar, never have Netty, PostgreSQL, sshj, pty4j or Flyway on theirs.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        CommandLine daemon = new CommandLine(new DaemonCommand())
                .setCommandName("vmo daemon")
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // A bug: one line for the user, the trace when asked for.
                    cmd.getErr().println("vmo daemon: internal error: " + e + " (set VMO_DEBUG=1 for details)");
                    if (System.getenv("VMO_DEBUG") != null) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 1;
                });
        System.exit(daemon.execute(args));
    }
}
