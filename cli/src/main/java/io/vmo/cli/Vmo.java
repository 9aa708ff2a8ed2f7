package io.vmo.cli;

import io.vmo.protocol.BuildInfo;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vmo}: the root command, and the tree of subcommands a command line needs. */
public final class Vmo {

    /** A subcommand's name, and how to build its model (each subcommand's class holds its own). */
    record Subcommand(String name, Supplier<CommandSpec> spec) {}

    /** Every subcommand, in the order {@code vmo --help} lists them. */
    static final List<Subcommand> SUBCOMMANDS = List.of(
            new Subcommand("run", () -> new RunCommand().spec),
            new Subcommand("attach", () -> new AttachCommand().spec),
            new Subcommand("tail", () -> new TailCommand().spec),
            new Subcommand("jobs", () -> new JobsCommand().spec),
            new Subcommand("cancel", () -> new CancelCommand().spec),
            new Subcommand("projects", () -> new ProjectsCommand().spec),
            new Subcommand("targets", () -> new TargetsCommand().spec),
            new Subcommand("vms", () -> new VmsCommand().spec),
            new Subcommand("ssh", () -> new SshCommand().spec),
            new Subcommand("logs", () -> new LogsCommand().spec),
            new Subcommand("ui", () -> new UiCommand().spec),
            new Subcommand("users", () -> new UsersCommand().spec),
            new Subcommand("prune", () -> new PruneCommand().spec),
            new Subcommand("service", () -> new ServiceCommand().spec),
            new Subcommand("doctor", () -> new DoctorCommand().spec),
            new Subcommand("audit", () -> new AuditCommand().spec),
            new Subcommand("completion", () -> new CompletionCommand().spec),
            new Subcommand("__complete", () -> new CompleteCommand().spec),
            new Subcommand("daemon", () -> new DaemonEntry().spec));

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    /** The whole command tree: what completion scripts and usage help are made from. */
    static CommandLine commandLine() {
        CommandLine vmo = root();
        for (Subcommand subcommand : SUBCOMMANDS) {
            vmo.addSubcommand(subcommand.name(), subcommand.spec().get());
        }
        return vmo;
    }

    /**
     * The tree these arguments need: when they start with a subcommand's name, only that subcommand. Building the
     * models is most of picocli's start-up, and a command needs only its own: with the AOT cache, `vmo jobs` had its
     * command line built 180–240 ms after main() with all of them, 100–156 ms with its own alone, when they were
     * read from annotations; built with the programmatic API (see {@link Specs}), 79 ms against 47 (medians).
     * Anything else (no arguments, an option, a name that is not a subcommand) gets the whole tree, for its usage
     * help and its "did you mean" suggestions.
     */
    static CommandLine commandLine(String[] args) {
        if (args.length > 0) {
            for (Subcommand subcommand : SUBCOMMANDS) {
                if (subcommand.name().equals(args[0])) {
                    return root().addSubcommand(
                                    subcommand.name(), subcommand.spec().get());
                }
            }
        }
        return commandLine();
    }

    /** {@code vmo -V}: the version and the commit this client was built from ({@link BuildInfo}). */
    static String[] version() {
        return new String[] {"vmo %s".formatted(BuildInfo.read().describe())};
    }

    private static CommandLine root() {
        CommandSpec vmo = Specs.command(
                        new Vmo(),
                        "vmo",
                        "Run make targets through the vmo daemon, watch them live, stop them, and find what ran.")
                .versionProvider(Vmo::version);
        Specs.standardHelpOptions(vmo);
        return new CommandLine(vmo).setExecutionExceptionHandler((e, cmd, parsed) -> {
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
