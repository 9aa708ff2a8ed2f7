package io.vmo.cli;

import io.vmo.protocol.Locations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code vmo service logs [-f]}: the daemon's log file, followed across its rotations with -f. */
final class ServiceLogsCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this,
            "logs",
            "Print the daemon's log ($XDG_STATE_HOME/vmo/daemon.log, written when it runs without a terminal, as a"
                    + " service does). Under systemd, `journalctl --user -u vmo` has it too.");

    private final OptionSpec follow = Specs.add(
            spec, Specs.flag("-f", "--follow").description("Keep printing what it writes, as tail -f (Ctrl-C ends)."));

    ServiceLogsCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path log = Locations.fromEnvironment().daemonLog();
        if (!Files.exists(log)) {
            throw new CliException("no daemon log at " + log + " yet: the daemon writes it when it runs without a"
                    + " terminal (as a service)");
        }
        var follower = new FileFollower(log, System.out);
        if (follow.getValue()) {
            follower.follow();
        } else {
            follower.copyOnce();
        }
        System.out.flush();
        return 0;
    }
}
