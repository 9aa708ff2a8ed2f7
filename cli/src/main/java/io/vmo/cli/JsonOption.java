package io.vmo.cli;

import io.vmo.protocol.Codec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --json}: print what the daemon answered as JSON, for scripts, instead of a table. */
final class JsonOption {

    private final OptionSpec json;

    JsonOption(CommandSpec command) {
        json = Specs.add(command, Specs.flag("--json").description("Print JSON instead of a table."));
    }

    boolean enabled() {
        return json.getValue();
    }

    void print(Console console, Object value) {
        console.out.println(new Codec().encode(value));
        console.flush();
    }
}
