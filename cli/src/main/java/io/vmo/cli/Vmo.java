package io.vmo.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "vmo",
        mixinStandardHelpOptions = true,
        version = "vmo 0.1.0",
        description = "Run make targets through the vmo daemon, watch them live, stop them, and find what ran.")
public final class Vmo {

    /** Every subcommand, in the order {@code vmo --help} lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
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
            CompleteCommand.class,
            DaemonEntry.class);

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    /** The whole command tree: what completion scripts and usage help are made from. */
    static CommandLine commandLine() {
        CommandLine vmo = root();
        for (Class<?> subcommand : SUBCOMMANDS) {
            vmo.addSubcommand(subcommand);
        }
        return vmo;
    }

    /**
     * The tree these arguments need: when they start with a subcommand's name, only that subcommand. Building a
     * subcommand's model (reflection over its fields, mixins and annotations) is most of picocli's start-up, and a
     * command needs only its own: with the AOT cache, `vmo jobs` had its
     * command line built 180–240 ms after main() with all thirteen, 100–156 ms with its own alone. Anything else (no arguments, an option, a name that is not a subcommand) gets the whole tree, for its
     * usage help and its "did you mean" suggestions.
     */
    static CommandLine commandLine(String[] args) {
        if (args.length > 0) {
            for (Class<?> subcommand : SUBCOMMANDS) {
                if (subcommand.getAnnotation(Command.class).name().equals(args[0])) {
                    return root().addSubcommand(subcommand);
                }
            }
        }
        return commandLine();
    }

    private static CommandLine root() {
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
