package io.vmo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * What a user sees of the CLI, pinned as files under {@code src/test/resources/io/vmo/cli/surface}: the usage help
 * of {@code vmo} and of every subcommand, the completion scripts, what bad arguments print and exit with, and the
 * command model those come from (each option's and positional's names, arity, label, type, default). They were
 * captured from the annotated model; how the model is built may change, none of this may.
 *
 * <p>{@code VMO_GOLDEN_WRITE=1 mvn test -Dtest=CliSurfaceTest} rewrites the files from the current code (then read
 * the diff).
 */
class CliSurfaceTest {

    private static final Path SOURCE = Path.of("src/test/resources/io/vmo/cli/surface");
    private static final boolean WRITE = System.getenv("VMO_GOLDEN_WRITE") != null;

    /** Invocations that fail, or print without a daemon: their stdout, stderr and exit code. */
    private static final List<List<String>> INVOCATIONS = List.of(
            List.of(),
            List.of("-V"),
            List.of("--version"),
            List.of("jbos"),
            List.of("jobz"),
            List.of("help"),
            List.of("--daemon", "x", "jobs"),
            List.of("jobs", "-V"),
            List.of("jobs", "--limt", "3"),
            List.of("jobs", "-n", "x"),
            List.of("jobs", "--limit"),
            List.of("jobs", "--daemon"),
            List.of("jobs", "extra"),
            List.of("jobs", "--json=yes"),
            List.of("run"),
            List.of("run", "demo"),
            List.of("run", "--detatch", "a", "b"),
            List.of("run", "-dix"),
            List.of("attach"),
            List.of("attach", "a", "b"),
            List.of("tail"),
            List.of("tail", "j", "--since", "soon"),
            List.of("cancel"),
            List.of("projects", "x"),
            List.of("targets"),
            List.of("vms", "--jsn"),
            List.of("ssh"),
            List.of("logs", "vm"),
            List.of("ui", "x"),
            List.of("ui", "--user"),
            List.of("users"),
            List.of("users", "add", "bob"),
            List.of("users", "revoke"),
            List.of("service"),
            List.of("service", "install", "--later"),
            List.of("service", "logs", "x"),
            List.of("doctor", "extra"),
            List.of("audit", "--since"),
            List.of("audit", "--verify", "x"),
            List.of("completion"),
            List.of("completion", "nosh"),
            List.of("completion", "bash", "zsh"),
            List.of("__complete"),
            List.of("daemon", "--listen", "x"));

    @BeforeAll
    static void defaultsAsCaptured() {
        // --daemon's default is ${env:VMO_DAEMON:-127.0.0.1:7777}: the usage shows the environment's.
        assumeTrue(System.getenv("VMO_DAEMON") == null, "the pinned usage shows --daemon's default without VMO_DAEMON");
    }

    @Test
    void usageHelpOfVmoAndEverySubcommand() throws IOException {
        CommandLine vmo = Vmo.commandLine();
        pinned("usage/vmo.txt", vmo.getUsageMessage(Help.Ansi.OFF));
        assertThat(vmo.getSubcommands().keySet())
                .containsExactly(
                        "run",
                        "attach",
                        "tail",
                        "jobs",
                        "cancel",
                        "projects",
                        "targets",
                        "vms",
                        "ssh",
                        "logs",
                        "ui",
                        "users",
                        "prune",
                        "service",
                        "doctor",
                        "audit",
                        "completion",
                        "__complete",
                        "daemon");
        for (Map.Entry<String, CommandLine> sub : vmo.getSubcommands().entrySet()) {
            pinUsage(List.of(sub.getKey()), sub.getValue());
            // A command of commands (vmo service): each of its own, as usage/service-install.txt.
            for (Map.Entry<String, CommandLine> inner :
                    sub.getValue().getSubcommands().entrySet()) {
                pinUsage(List.of(sub.getKey(), inner.getKey()), inner.getValue());
            }
        }
        assertThat(run(new String[] {"--help"})).isEqualTo(vmo.getUsageMessage(Help.Ansi.OFF) + "exit 0\n");
    }

    private static void pinUsage(List<String> names, CommandLine command) throws IOException {
        pinned("usage/" + String.join("-", names) + ".txt", command.getUsageMessage(Help.Ansi.OFF));
        if (command.getCommandSpec().findOption("--help") != null) {
            var help = new java.util.ArrayList<>(names);
            help.add("--help");
            assertThat(run(help.toArray(String[]::new)))
                    .as(String.join(" ", names))
                    .isEqualTo(command.getUsageMessage(Help.Ansi.OFF) + "exit 0\n");
        }
    }

    @Test
    void completionScripts() throws IOException {
        for (String shell : List.of("bash", "zsh", "fish")) {
            pinned("completion/vmo." + shell, run(new String[] {"completion", shell}));
        }
    }

    @Test
    void badArgumentsAndWhatTheyPrint() throws IOException {
        StringBuilder all = new StringBuilder();
        for (List<String> invocation : INVOCATIONS) {
            all.append("$ vmo ")
                    .append(String.join(" ", invocation))
                    .append('\n')
                    .append(run(invocation.toArray(String[]::new)))
                    .append('\n');
        }
        pinned("invocations.txt", all.toString());
    }

    @Test
    void theCommandModel() throws IOException {
        StringBuilder out = new StringBuilder();
        CommandLine vmo = Vmo.commandLine();
        describe(vmo.getCommandSpec(), out);
        vmo.getSubcommands().values().forEach(sub -> describe(sub.getCommandSpec(), out));
        pinned("model.txt", out.toString());
    }

    /** As main() runs them: the tree the arguments need, stdout then stderr (no colours), then the exit code. */
    private static String run(String[] args) {
        CommandLine vmo = Vmo.commandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        vmo.setOut(new PrintWriter(out));
        vmo.setErr(new PrintWriter(err));
        vmo.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
        int status = vmo.execute(args);
        return (out.toString().isEmpty() ? "" : out) + (err.toString().isEmpty() ? "" : "[stderr]\n" + err) + "exit "
                + status + "\n";
    }

    private static void describe(CommandSpec command, StringBuilder out) {
        var usage = command.usageMessage();
        out.append("command ")
                .append(command.qualifiedName())
                .append(" aliases=")
                .append(Arrays.toString(command.aliases()))
                .append(" hidden=")
                .append(usage.hidden())
                .append(" version=")
                .append(Arrays.toString(command.version()))
                .append(" unmatchedAllowed=")
                .append(command.parser().unmatchedArgumentsAllowed())
                .append("\n  header=")
                .append(Arrays.toString(usage.header()))
                .append("\n  description=")
                .append(Arrays.toString(usage.description()))
                .append("\n  footer=")
                .append(Arrays.toString(usage.footer()))
                .append('\n');
        for (OptionSpec option : command.options()) {
            out.append("  option ")
                    .append(Arrays.toString(option.names()))
                    .append(" usageHelp=")
                    .append(option.usageHelp())
                    .append(" versionHelp=")
                    .append(option.versionHelp())
                    .append(" negatable=")
                    .append(option.negatable())
                    .append(" fallback=")
                    .append(option.fallbackValue())
                    .append(" order=")
                    .append(option.order());
            describeArg(option, out);
        }
        for (PositionalParamSpec positional : command.positionalParameters()) {
            out.append("  positional index=").append(positional.index());
            describeArg(positional, out);
        }
    }

    private static void describeArg(ArgSpec arg, StringBuilder out) {
        out.append(" arity=").append(arg.arity());
        if (arg.arity().max() > 0) { // a flag's label is shown nowhere
            out.append(" label=").append(arg.paramLabel());
        }
        out.append(" hideParamSyntax=")
                .append(arg.hideParamSyntax())
                .append(" type=")
                .append(arg.type().getName())
                .append(" auxiliaryTypes=")
                .append(Arrays.stream(arg.auxiliaryTypes()).map(Class::getName).toList())
                .append(" split=")
                .append(arg.splitRegex())
                .append(" default=")
                .append(arg.defaultValue())
                .append(" required=")
                .append(arg.required())
                .append(" hidden=")
                .append(arg.hidden())
                .append(" interactive=")
                .append(arg.interactive())
                .append(" showDefault=")
                .append(arg.showDefaultValue())
                .append(" candidates=")
                .append(arg.completionCandidates())
                .append("\n    description=")
                .append(Arrays.toString(arg.description()))
                .append('\n');
    }

    /** Equal to the file of that name; rewritten instead with VMO_GOLDEN_WRITE set. */
    private static void pinned(String name, String pinned) throws IOException {
        // The version line names the commit built from: pinned as a placeholder (LauncherIT checks the real one).
        String actual = pinned.replace(Vmo.version()[0], "vmo <version> (commit <commit>)");
        Path file = SOURCE.resolve(name);
        if (WRITE) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual);
        }
        assertThat(actual).as(name).isEqualTo(Files.readString(file));
    }
}
