package io.vmo.cli;

import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
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
        Console console = new Console();
        try (DaemonClient client = daemon.connect()) {
            Response.JobStarted started = client.call(
                    new Request.ExecuteCommand(client.nextId(), project, target, args), Response.JobStarted.class);
            String jobId = started.job().id();
            if (detach) {
                console.out.println(jobId);
                console.flush();
                return 0;
            }
            return new JobFollower(client, console).follow(jobId, 0);
        }
    }
}
