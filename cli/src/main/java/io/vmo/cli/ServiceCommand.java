package io.vmo.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vmo service}: the daemon as a service of the user's own service manager (a systemd user unit, a launchd
 * agent), so that it starts at login and restarts after a failure. Run by the client, never the daemon's classes.
 */
final class ServiceCommand {

    final CommandSpec spec = Specs.command(
            this,
            "service",
            "Run the daemon as a service of your own (a systemd user unit on Linux, a launchd agent on macOS), so"
                    + " that it starts at login and restarts after a failure.");

    ServiceCommand() {
        Specs.standardHelpOptions(spec);
        spec.addSubcommand("install", new ServiceInstallCommand().spec);
        spec.addSubcommand("uninstall", new ServiceUninstallCommand().spec);
        spec.addSubcommand("status", new ServiceStatusCommand().spec);
        spec.addSubcommand("logs", new ServiceLogsCommand().spec);
    }
}
