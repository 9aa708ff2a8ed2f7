package io.vmo.cli;

import io.vmo.protocol.Locations;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** How a client subcommand finds the daemon: {@code --daemon}, added to each of them. */
final class DaemonOptions {

    private final OptionSpec address;
    private final OptionSpec tokenFile;

    DaemonOptions(CommandSpec command) {
        address = Specs.add(
                command,
                OptionSpec.builder("--daemon")
                        .paramLabel("HOST:PORT")
                        .type(String.class)
                        .defaultValue("${env:VMO_DAEMON:-127.0.0.1:7777}")
                        .description("The daemon to talk to (env VMO_DAEMON; default: ${DEFAULT-VALUE})."));
        tokenFile = Specs.add(
                command,
                OptionSpec.builder("--token-file")
                        .paramLabel("FILE")
                        .type(java.nio.file.Path.class)
                        .description("A file holding the token to present (a personal one from `vmo users add`);"
                                + " default: the daemon's token file, unless env VMO_TOKEN holds a token."));
    }

    /** The token file to read when VMO_TOKEN is not set: --token-file, else the owner's. */
    java.nio.file.Path tokenFile() {
        java.nio.file.Path given = tokenFile.getValue();
        return given != null ? given : Locations.fromEnvironment().tokenFile();
    }

    String address() {
        return address.getValue();
    }

    DaemonClient connect() {
        return DaemonClient.connect(address(), tokenFile());
    }
}
