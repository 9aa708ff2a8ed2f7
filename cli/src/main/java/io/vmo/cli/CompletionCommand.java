package io.vmo.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code vmo completion bash|zsh|fish}: a script that completes vmo's subcommands and their options, made from the
 * same command model that parses them, so it cannot drift from it. Bash's and zsh's are picocli's generator's (its
 * script loads zsh's bash compatibility itself); fish has none, so its lines are written here.
 */
final class CompletionCommand implements Callable<Integer> {

    enum Shell {
        bash,
        zsh,
        fish
    }

    final CommandSpec spec = Specs.command(
            this,
            "completion",
            "Print a shell completion script. Bash: `source <(vmo completion bash)` in ~/.bashrc; zsh: `source <(vmo"
                    + " completion zsh)` in ~/.zshrc; fish: `vmo completion fish | source` in"
                    + " ~/.config/fish/config.fish.");

    private final PositionalParamSpec shell =
            Specs.add(spec, Specs.word("0", "SHELL").type(Shell.class).description("bash, zsh or fish."));

    CompletionCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        Shell shell = this.shell.getValue();
        // The whole tree: `vmo completion` itself was started with its own subcommand alone (Vmo.commandLine(args)).
        CommandLine vmo = Vmo.commandLine();
        String script = shell == Shell.fish ? fish(vmo) : bash(vmo);
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * picocli's script, with the positionals the daemon knows asked of it: in the function of each subcommand that
     * has some, its empty list of positional candidates becomes a call of {@link #BASH_ASK}, given the labels of the
     * subcommand's positionals in order.
     */
    static String bash(CommandLine vmo) {
        String script = AutoComplete.bash("vmo", vmo);
        for (Map.Entry<String, CommandLine> sub : vmo.getSubcommands().entrySet()) {
            List<String> labels = askedLabels(sub.getValue().getCommandSpec());
            if (labels.isEmpty()) {
                continue;
            }
            String header = "function _picocli_vmo_" + sub.getKey() + "() {\n";
            int start = script.indexOf(header);
            int end = script.indexOf("\n}\n", start);
            String empty = "local positionals=\"\"";
            int at = script.indexOf(empty, start);
            if (start < 0 || at < 0 || at > end) {
                throw new IllegalStateException("picocli's script has no positionals of " + sub.getKey() + " to fill");
            }
            String ask = "local positionals=$(_vmo_ask '" + String.join("' '", labels) + "')";
            script = script.substring(0, at) + ask + script.substring(at + empty.length());
        }
        return script + BASH_ASK;
    }

    /**
     * The positionals' labels, by index, as far as the last one the daemon can complete ({@code -} for one it
     * cannot); none when the daemon completes none of them.
     */
    static List<String> askedLabels(CommandSpec command) {
        List<String> labels = new ArrayList<>();
        int asked = 0;
        for (PositionalParamSpec positional : command.positionalParameters()) {
            if (positional.index().min() != labels.size()) {
                break; // a range (2..*): what it takes is the user's own
            }
            boolean known = CompleteCommand.LABELS.contains(positional.paramLabel());
            labels.add(known ? positional.paramLabel() : "-");
            asked = known ? labels.size() : asked;
        }
        return labels.subList(0, asked);
    }

    /**
     * Bash: {@code _vmo_ask LABEL…} prints the candidates for the positional being typed, one per line,
     * from {@code vmo __complete LABEL WORD…}, the words being the positionals typed before it (a target's
     * project). The caller's {@code arg_opts} (picocli's list of the subcommand's options that take a value) tells
     * an option's value from a positional; a {@code --daemon} typed on the line is passed on. Nothing on stderr,
     * whatever happens: it would be written into the user's command line.
     */
    static final String BASH_ASK = """

            # The positional being typed, completed by the daemon (vmo __complete); silent when it is not there.
            function _vmo_ask() {
              local labels=("$@") words=() daemon=() word i
              for (( i = 2; i < COMP_CWORD; i++ )); do
                word=${COMP_WORDS[i]}
                case $word in
                  --daemon) daemon=(--daemon "${COMP_WORDS[i+1]}"); (( i++ )) ;;
                  --daemon=*) daemon=("$word") ;;
                  -*) [[ " ${arg_opts} " == *" '$word' "* ]] && (( i++ )) ;;
                  *) words+=("$word") ;;
                esac
              done
              (( ${#words[@]} < ${#labels[@]} )) || return 0
              local label=${labels[${#words[@]}]}
              [[ $label != - ]] || return 0
              "${COMP_WORDS[0]}" __complete "${daemon[@]}" "$label" "${words[@]}" 2>/dev/null
            }
            """;

    /**
     * One {@code complete} line per subcommand, then per option of each (hidden ones left out), then the
     * positionals the daemon knows, through {@link #FISH_ASK}.
     */
    static String fish(CommandLine vmo) {
        StringBuilder out = new StringBuilder("# vmo's completion for fish: `vmo completion fish | source`\n");
        out.append("complete -c vmo -f\n").append(FISH_ASK);
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
            String seen = "__fish_seen_subcommand_from " + sub.getKey();
            fishOptions(command, seen, out);
            // A command of commands (vmo service): its own, offered until one is given, and their options.
            var nested = sub.getValue().getSubcommands();
            if (!nested.isEmpty()) {
                String none = seen + "; and not __fish_seen_subcommand_from " + String.join(" ", nested.keySet());
                for (Map.Entry<String, CommandLine> inner : nested.entrySet()) {
                    CommandSpec innerCommand = inner.getValue().getCommandSpec();
                    out.append("complete -c vmo -n ")
                            .append(quoted(none))
                            .append(" -a ")
                            .append(inner.getKey())
                            .append(" -d ")
                            .append(quoted(firstLine(innerCommand.usageMessage().description())))
                            .append('\n');
                    fishOptions(innerCommand, seen + "; and __fish_seen_subcommand_from " + inner.getKey(), out);
                }
            }
            List<String> labels = askedLabels(command);
            if (!labels.isEmpty()) {
                out.append("complete -c vmo -n '__fish_seen_subcommand_from ")
                        .append(sub.getKey())
                        .append("' -a \"(__vmo_ask '")
                        .append(String.join("' '", labels))
                        .append("')\"\n");
            }
        }
        return out.toString();
    }

    /** A {@code complete} line for each of the command's options that is not hidden, under fish's condition. */
    private static void fishOptions(CommandSpec command, String condition, StringBuilder out) {
        for (OptionSpec option : command.options()) {
            if (option.hidden()) {
                continue;
            }
            out.append("complete -c vmo -n ").append(quoted(condition));
            for (String name : option.names()) {
                out.append(name.startsWith("--") ? " -l " + name.substring(2) : " -s " + name.substring(1));
            }
            if (option.arity().max() > 0) {
                out.append(" -r");
            }
            out.append(" -d ").append(quoted(firstLine(option.description()))).append('\n');
        }
    }

    /** Fish: {@code __vmo_ask LABEL…}, as bash's {@link #BASH_ASK}. */
    static final String FISH_ASK = """
            function __vmo_ask --description 'vmo: the positional being typed, completed by the daemon'
                set -l labels $argv
                set -l tokens (commandline -opc)
                set -l words
                set -l daemon
                set -l skip 0
                test (count $tokens) -gt 2; and for word in $tokens[3..-1]
                    if test $skip = 1
                        set skip 0
                        set daemon --daemon $word
                        continue
                    end
                    switch $word
                        case --daemon
                            set skip 1
                        case '--daemon=*'
                            set daemon $word
                        case '-*'
                        case '*'
                            set -a words $word
                    end
                end
                set -l n (math (count $words) + 1)
                if test $n -le (count $labels); and test $labels[$n] != -
                    $tokens[1] __complete $daemon $labels[$n] $words 2>/dev/null
                end
            end
            """;

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
