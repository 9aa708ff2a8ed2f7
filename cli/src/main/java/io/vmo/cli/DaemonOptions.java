package io.vmo.cli;

import io.vmo.protocol.Locations;
import picocli.CommandLine.Option;

/** How a client subcommand finds the daemon; mixed into each of them. */
final class DaemonOptions {

    @Option(
            names = "--daemon",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:VMO_DAEMON:-127.0.0.1:7777}",
            description = "The daemon to talk to (env VMO_DAEMON; default: ${DEFAULT-VALUE}).")
    String address;

    DaemonClient connect() {
        return DaemonClient.connect(address, Locations.fromEnvironment().tokenFile());
    }
}
