package io.vmo.cli;

import io.vmo.protocol.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run a make target of a registered project, streaming its output; exits with its exit code.",
        footer = {"Example: vmo run vm status -- ENV=dev", "         vmo run -i vm create"})
final class RunCommand implements Callable<Integer> {

    @Mixin
    DaemonOptions daemon;

    @Parameters(
            index = "0",
            paramLabel = CompleteCommand.PROJECT,
            description = "Project alias from the mkcli registry.")
    String project;

    @Parameters(index = "1", paramLabel = CompleteCommand.TARGET, description = "Make target.")
    String target;

    @Parameters(index = "2..*", paramLabel = "ARG", description = "Variable assignments NAME=value or more targets.")
    List<String> args = new ArrayList<>();

    @Option(
            names = {"-d", "--detach"},
            description = "Print the job id and return at once; the job keeps running.")
    boolean detach;

    @Option(
            names = {"-i", "--interactive"},
            description = "Run it in a terminal and attach this one: for targets"
                    + " that ask questions. Targets marked interactive in config.yml need no -i. "
                    + TerminalSession.DETACH_HINT + "; `vmo attach JOB` returns.")
    boolean interactive;

    @Override
    public Integer call() {
        return new JobFollower(daemon, new Console())
                .start(
                        id -> {
                            var request = new Request.ExecuteCommand(id, project, target, args);
                            return interactive ? request.interactive(null, null) : request;
                        },
                        detach);
    }
}
