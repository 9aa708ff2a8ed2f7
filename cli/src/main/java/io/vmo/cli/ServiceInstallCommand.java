package io.vmo.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code vmo service install [--now]}: writes the service's definition, from this shell, and enables it. */
final class ServiceInstallCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this,
            "install",
            "Install the daemon as your service, running this installation's launcher with this shell's PATH and"
                    + " SSH_AUTH_SOCK (run it again when they change), and enable it at login.");

    private final OptionSpec now =
            Specs.add(spec, Specs.flag("--now").description("Start it now too (else at your next login)."));

    ServiceInstallCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        ServiceSetup setup = ServiceSetup.from(System.getenv());
        ServiceManager.of(System.getenv()).install(setup, now.getValue(), System.out);
        return 0;
    }
}
