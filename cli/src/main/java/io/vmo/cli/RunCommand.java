package io.vmo.cli;

import io.vmo.protocol.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a make target of a registered project, streaming its output; exits with its exit code.",
        footer = "Example: vmo run vm status -- ENV=dev")
final class RunCommand implements Callable<Integer> {

    @Mixin
    DaemonOptions daemon;

    @Parameters(index = "0", paramLabel = "PROJECT", description = "Project alias from the mkcli registry.")
    String project;

    @Parameters(index = "1", paramLabel = "TARGET", description = "Make target.")
    String target;

    @Parameters(index = "2..*", paramLabel = "ARG", description = "Variable assignments NAME=value or more targets.")
    List<String> args = new ArrayList<>();

    @Option(names = {"-d", "--detach"}, description = "Print the job id and return at once; the job keeps running.")
    boolean detach;

    @Override
    public Integer call() {
        return new JobFollower(daemon, new Console())
                .start(id -> new Request.ExecuteCommand(id, project, target, args), detach);
    }
}
