package io.vmo.cli;

import io.vmo.protocol.Locations;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** How a client subcommand finds the daemon: {@code --daemon}, added to each of them. */
final class DaemonOptions {

    private final OptionSpec address;

    DaemonOptions(CommandSpec command) {
        address = Specs.add(
                command,
                OptionSpec.builder("--daemon")
                        .paramLabel("HOST:PORT")
                        .type(String.class)
                        .defaultValue("${env:VMO_DAEMON:-127.0.0.1:7777}")
                        .description("The daemon to talk to (env VMO_DAEMON; default: ${DEFAULT-VALUE})."));
    }

    String address() {
        return address.getValue();
    }

    DaemonClient connect() {
        return DaemonClient.connect(address(), Locations.fromEnvironment().tokenFile());
    }
}
