package io.vmo.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vmo completion bash|zsh|fish}: a script that completes vmo's subcommands and their options, made from the
 * same command model that parses them, so it cannot drift from it. Bash's and zsh's are picocli's generator's (its
 * script loads zsh's bash compatibility itself); fish has none, so its lines are written here.
 */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = "Print a shell completion script. Bash: `source <(vmo completion bash)` in ~/.bashrc; zsh:"
                + " `source <(vmo completion zsh)` in ~/.zshrc; fish: `vmo completion fish | source` in"
                + " ~/.config/fish/config.fish.")
final class CompletionCommand implements Callable<Integer> {

    enum Shell {
        bash,
        zsh,
        fish
    }

    @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish.")
    Shell shell;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // The whole tree: `vmo completion` itself was started with its own subcommand alone (Vmo.commandLine(args)).
        CommandLine vmo = Vmo.commandLine();
        String script = shell == Shell.fish ? fish(vmo) : AutoComplete.bash("vmo", vmo);
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** One {@code complete} line per subcommand, then per option of each (hidden ones left out). */
    static String fish(CommandLine vmo) {
        StringBuilder out = new StringBuilder("# vmo's completion for fish: `vmo completion fish | source`\n");
        out.append("complete -c vmo -f\n");
        for (Map.Entry<String, CommandLine> sub : vmo.getSubcommands().entrySet()) {
            CommandSpec command = sub.getValue().getCommandSpec();
            if (command.usageMessage().hidden()) {
                continue;
            }
            out.append("complete -c vmo -n __fish_use_subcommand -a ")
                    .append(sub.getKey())
                    .append(" -d ")
                    .append(quoted(firstLine(command.usageMessage().description())))
                    .append('\n');
            for (OptionSpec option : command.options()) {
                if (option.hidden()) {
                    continue;
                }
                out.append("complete -c vmo -n '__fish_seen_subcommand_from ")
                        .append(sub.getKey())
                        .append('\'');
                for (String name : option.names()) {
                    out.append(name.startsWith("--") ? " -l " + name.substring(2) : " -s " + name.substring(1));
                }
                if (option.arity().max() > 0) {
                    out.append(" -r");
                }
                out.append(" -d ")
                        .append(quoted(firstLine(option.description())))
                        .append('\n');
            }
        }
        return out.toString();
    }

    private static String firstLine(String[] description) {
        String text = description.length == 0 ? "" : description[0];
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }

    /** In fish's single quotes only the quote and the backslash need escaping. */
    private static String quoted(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
