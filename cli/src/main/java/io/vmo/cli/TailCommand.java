package io.vmo.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = "Print a job's output so far, then follow it until it ends; exits with its exit code.")
final class TailCommand implements Callable<Integer> {

    @Mixin
    DaemonOptions daemon;

    @Parameters(index = "0", paramLabel = CompleteCommand.JOB, description = "Job id, or a unique prefix of one.")
    String job;

    @Option(
            names = "--since",
            paramLabel = "SEQ",
            defaultValue = "0",
            description = "Only events after this sequence number (default: all).")
    long since;

    @Override
    public Integer call() {
        return new JobFollower(daemon, new Console()).tail(job, since);
    }
}
