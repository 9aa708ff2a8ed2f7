package io.vmo.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vmo service uninstall}: stops the service and removes its definition; the daemon's data stays. */
final class ServiceUninstallCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this, "uninstall", "Stop the service and remove it. The daemon's data (jobs, token, settings) stays.");

    ServiceUninstallCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        ServiceManager.of(System.getenv()).uninstall(System.out);
        return 0;
    }
}
