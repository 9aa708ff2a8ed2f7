package io.vmo.cli;

import io.vmo.protocol.Locations;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** How a client subcommand finds the daemon: {@code --daemon}, added to each of them. */
final class DaemonOptions {

    private final OptionSpec address;
    private final OptionSpec tokenFile;
    private final OptionSpec ca;

    DaemonOptions(CommandSpec command) {
        address = Specs.add(
                command,
                OptionSpec.builder("--daemon")
                        .paramLabel("[https://]HOST:PORT")
                        .type(String.class)
                        .defaultValue("${env:VMO_DAEMON:-127.0.0.1:7777}")
                        .description("The daemon to talk to (env VMO_DAEMON; default: ${DEFAULT-VALUE}); https:// "
                                + "for one that serves TLS."));
        ca = Specs.add(
                command,
                OptionSpec.builder("--ca")
                        .paramLabel("FILE")
                        .type(String.class)
                        .defaultValue("${env:VMO_CA}")
                        .description("With https://: trust the daemon's certificate only if this CA (PEM) signed it "
                                + "(env VMO_CA). Without it the system's CAs are trusted, and a self-signed daemon is "
                                + "pinned on first use in ~/.config/vmo/known_daemons."));
        tokenFile = Specs.add(
                command,
                OptionSpec.builder("--token-file")
                        .paramLabel("FILE")
                        .type(Path.class)
                        .description("A file holding the token to present (a personal one from `vmo users add`);"
                                + " default: the daemon's token file, unless env VMO_TOKEN holds a token."));
    }

    /** The token file to read when VMO_TOKEN is not set: --token-file, else the owner's. */
    Path tokenFile() {
        Path given = tokenFile.getValue();
        return given != null ? given : Locations.fromEnvironment().tokenFile();
    }

    String address() {
        return address.getValue();
    }

    /** The --ca file, or null. */
    Path ca() {
        String file = ca.getValue();
        return file == null || file.isBlank() ? null : Path.of(file);
    }

    DaemonClient connect() {
        return DaemonClient.connect(address(), tokenFile(), ca(), true);
    }

    /** For shell completion: a self-signed daemon not pinned yet is refused (a TAB must not pin unseen). */
    DaemonClient connectWithoutPinning() {
        return DaemonClient.connect(address(), tokenFile(), ca(), false);
    }
}
