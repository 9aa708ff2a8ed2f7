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

@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = "Stream logs from a VM as a job (cancellable, resumable with `vmo tail`, and kept): a log preset"
                + " of the VM from config.yml, or else a container's `docker logs`.")
final class LogsCommand implements Callable<Integer> {

    @Mixin
    DaemonOptions daemon;

    @Parameters(index = "0", paramLabel = CompleteCommand.VM, description = "A VM from `vmo vms`.")
    String vm;

    @Parameters(
            index = "1",
            paramLabel = CompleteCommand.PRESET,
            description = "A log preset of the VM (see `vmo vms --json`), or a container's name or id.")
    String container;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep following new log lines until canceled (Ctrl-C).")
    boolean follow;

    @Option(
            names = {"-d", "--detach"},
            description = "Print the job id and return at once; the job keeps running.")
    boolean detach;

    @Override
    public Integer call() {
        if (container.startsWith("-")) {
            throw new CliException("container \"" + container + "\" starts with \"-\"; name a container");
        }
        List<String> command = preset();
        if (command == null) {
            command = new ArrayList<>(List.of("docker", "logs"));
            if (follow) {
                command.add("--follow");
            }
            command.add("--");
            command.add(container);
        }
        List<String> argv = command;
        return new JobFollower(daemon, new Console()).start(id -> Request.ExecuteCommand.remote(id, vm, argv), detach);
    }

    /** The VM's preset of that name, if it has one. */
    private List<String> preset() {
        try (DaemonClient client = daemon.connect()) {
            return client.call(new Request.ListVms(client.nextId()), Response.VmList.class).vms().stream()
                    .filter(v -> v.name().equals(vm))
                    .map(v -> v.presets().get(container))
                    .filter(java.util.Objects::nonNull)
                    .findFirst()
                    .orElse(null);
        }
    }
}
