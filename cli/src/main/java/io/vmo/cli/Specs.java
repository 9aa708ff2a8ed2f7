package io.vmo.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The repeated parts of vmo's command model, which each command builds with picocli's programmatic API, not its
 * annotations. Reading an annotation at run time makes the JDK generate a proxy class for its type
 * ({@code jdk.proxy1.$Proxy0}…), which the AOT cache cannot keep: `vmo --help` generated nine, `vmo jobs` six, for
 * {@code @Command}, {@code @Option}, {@code @Parameters}, {@code @Mixin}… and the JDK's {@code @Retention} and
 * {@code @Target} on them; and picocli reflected over every field besides. In a fresh JVM with the AOT cache,
 * {@code Vmo.commandLine} took 154 ms for `vmo jobs` and 260 ms for the whole tree when read from annotations, 47 and
 * 79 ms built here (medians of 21, a busy 2-core machine); `bin/vmo --help` went from 671 to 441 ms.
 *
 * <p>A command is a class that builds its {@link CommandSpec} in its field initializers, one field per option or
 * positional, and reads their values back ({@code getValue()}) when it runs: picocli fills them as it parses.
 */
final class Specs {

    private Specs() {}

    /** A command named {@code name} that runs {@code command}, with its usage's description. */
    static CommandSpec command(Object command, String name, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
        spec.usageMessage().description(description);
        return spec;
    }

    /** Adds the option to the command; returns it, to read its value from after parsing. */
    static OptionSpec add(CommandSpec command, OptionSpec.Builder option) {
        OptionSpec built = option.build();
        command.addOption(built);
        return built;
    }

    /** Adds the positional parameter to the command; returns it, to read its value from after parsing. */
    static PositionalParamSpec add(CommandSpec command, PositionalParamSpec.Builder positional) {
        PositionalParamSpec built = positional.build();
        command.addPositional(built);
        return built;
    }

    /** An option without a value: {@code true} when given, else {@code false} (a boolean field's start value). */
    static OptionSpec.Builder flag(String... names) {
        return OptionSpec.builder(names).type(boolean.class).initialValue(false);
    }

    /**
     * The positional parameter at {@code index}: one word, required, as picocli makes a {@code String} field's
     * {@code @Parameters} (a built one is optional unless told).
     */
    static PositionalParamSpec.Builder word(String index, String label) {
        return PositionalParamSpec.builder().index(index).paramLabel(label).required(true);
    }

    /**
     * The first positional of the commands that take a job, a VM or a project: one label and one description each
     * (the label is what `vmo completion` asks the daemon to complete, see {@link CompleteCommand}).
     */
    static PositionalParamSpec.Builder job() {
        return word("0", CompleteCommand.JOB).description("Job id, or a unique prefix of one.");
    }

    static PositionalParamSpec.Builder vm() {
        return word("0", CompleteCommand.VM).description("A VM from `vmo vms`.");
    }

    static PositionalParamSpec.Builder project() {
        return word("0", CompleteCommand.PROJECT).description("Project alias from the mkcli registry.");
    }

    /**
     * Positional parameters at {@code index} ("2..*"): the words given there, an empty list when none. Arity 0..1
     * (one word per index, none required) is what picocli gives a {@code List} field's {@code @Parameters}.
     */
    static PositionalParamSpec.Builder words(String index, String label) {
        return PositionalParamSpec.builder()
                .index(index)
                .paramLabel(label)
                .arity("0..1")
                .type(List.class)
                .auxiliaryTypes(String.class)
                .initialValue(List.of());
    }

    /**
     * {@code -h, --help} and {@code -V, --version}: what {@code mixinStandardHelpOptions} adds, which itself reads
     * the annotations of picocli's own mixin class. To be added after the command's other options, as picocli adds
     * those (the options' order is the order of the completion scripts' lists): from a command's constructor, whose
     * body runs after the field initializers that add the others.
     */
    static void standardHelpOptions(CommandSpec command) {
        command.addOption(OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("Show this help message and exit.")
                .build());
        command.addOption(OptionSpec.builder("-V", "--version")
                .versionHelp(true)
                .description("Print version information and exit.")
                .build());
    }
}
