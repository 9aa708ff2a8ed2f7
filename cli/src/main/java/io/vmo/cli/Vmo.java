package io.vmo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "vmo",
        mixinStandardHelpOptions = true,
        version = "vmo 0.1.0",
        description = "Run make targets through the vmo daemon, watch them live, stop them, and find what ran.",
        subcommands = {
            RunCommand.class,
            AttachCommand.class,
            TailCommand.class,
            JobsCommand.class,
            CancelCommand.class,
            ProjectsCommand.class,
            TargetsCommand.class,
            VmsCommand.class,
            SshCommand.class,
            LogsCommand.class,
            UiCommand.class,
            CompletionCommand.class,
            DaemonEntry.class
        })
public final class Vmo {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Vmo()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CliException cli) {
                cmd.getErr().println("vmo: " + cli.getMessage());
                return cli.exitCode();
            }
            // A bug: one line for the user, the trace when asked for.
            cmd.getErr().println("vmo: internal error: " + e + " (set VMO_DEBUG=1 for details)");
            if (System.getenv("VMO_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
    }
}
