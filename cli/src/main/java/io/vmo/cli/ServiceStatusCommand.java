package io.vmo.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vmo service status}: installed, enabled, running, and where the log is. */
final class ServiceStatusCommand implements Callable<Integer> {

    /** As systemctl status: 3 when the service is not running. */
    static final int EXIT_NOT_RUNNING = 3;

    final CommandSpec spec = Specs.command(
            this,
            "status",
            "Show whether the service is installed, enabled and running, and where its log is; exits with 3 when it"
                    + " is not running.");

    ServiceStatusCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        return ServiceManager.of(System.getenv()).status(System.out) ? 0 : EXIT_NOT_RUNNING;
    }
}
