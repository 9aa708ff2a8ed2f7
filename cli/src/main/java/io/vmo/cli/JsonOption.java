package io.vmo.cli;

import io.vmo.protocol.Codec;
import picocli.CommandLine.Option;

/** {@code --json}: print what the daemon answered as JSON, for scripts, instead of a table. */
final class JsonOption {

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean enabled;

    void print(Console console, Object value) {
        console.out.println(new Codec().encode(value));
        console.flush();
    }
}
