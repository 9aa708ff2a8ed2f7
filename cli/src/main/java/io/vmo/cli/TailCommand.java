package io.vmo.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class TailCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this, "tail", "Print a job's output so far, then follow it until it ends; exits with its exit code.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final PositionalParamSpec job = Specs.add(spec, Specs.job());

    private final OptionSpec since = Specs.add(
            spec,
            OptionSpec.builder("--since")
                    .paramLabel("SEQ")
                    .type(long.class)
                    .defaultValue("0")
                    .description("Only events after this sequence number (default: all)."));

    TailCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        String job = this.job.getValue();
        long since = this.since.getValue();
        return new JobFollower(daemon, new Console()).tail(job, since);
    }
}
