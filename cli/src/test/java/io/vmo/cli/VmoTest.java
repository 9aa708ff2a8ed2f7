package io.vmo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** main() builds only the subcommand its arguments name; that must change nothing a user sees. */
class VmoTest {

    @Test
    void aSubcommandBuiltAloneHasTheSameUsageAsInTheWholeTree() {
        CommandLine whole = Vmo.commandLine();
        for (Vmo.Subcommand subcommand : Vmo.SUBCOMMANDS) {
            String name = subcommand.name();
            CommandLine alone = Vmo.commandLine(new String[] {name, "--help"});
            assertThat(alone.getSubcommands()).containsOnlyKeys(name);
            assertThat(alone.getSubcommands().get(name).getUsageMessage())
                    .as(name)
                    .isEqualTo(whole.getSubcommands().get(name).getUsageMessage())
                    .contains("Usage: vmo " + name);
        }
    }

    @Test
    void anythingButASubcommandGetsTheWholeTree() {
        for (String[] args : new String[][] {{}, {"--help"}, {"-V"}, {"jbos"}}) {
            assertThat(Vmo.commandLine(args).getSubcommands()).hasSameSizeAs(Vmo.SUBCOMMANDS);
        }
        String[] typo = {"jbos"};
        StringWriter err = new StringWriter();
        CommandLine vmo = Vmo.commandLine(typo);
        vmo.setErr(new PrintWriter(err));
        assertThat(vmo.execute(typo)).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument at index 0: 'jbos'", "  jobs ", "  completion ");
    }
}
