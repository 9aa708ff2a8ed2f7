package io.vmo.cli;

import io.vmo.protocol.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Stream a container's logs from a VM (`docker logs` over SSH) as a job: cancellable, resumable"
                + " with `vmo tail`, and kept.")
final class LogsCommand implements Callable<Integer> {

    @Mixin
    DaemonOptions daemon;

    @Parameters(index = "0", paramLabel = "VM", description = "A VM from `vmo vms`.")
    String vm;

    @Parameters(index = "1", paramLabel = "CONTAINER", description = "The container's name or id.")
    String container;

    @Option(names = {"-f", "--follow"}, description = "Keep following new log lines until canceled (Ctrl-C).")
    boolean follow;

    @Option(names = {"-d", "--detach"}, description = "Print the job id and return at once; the job keeps running.")
    boolean detach;

    @Override
    public Integer call() {
        if (container.startsWith("-")) {
            throw new CliException("container \"" + container + "\" starts with \"-\"; name a container");
        }
        List<String> command = new ArrayList<>(List.of("docker", "logs"));
        if (follow) {
            command.add("--follow");
        }
        command.add("--");
        command.add(container);
        return new JobFollower(daemon, new Console())
                .start(id -> Request.ExecuteCommand.remote(id, vm, command), detach);
    }
}
