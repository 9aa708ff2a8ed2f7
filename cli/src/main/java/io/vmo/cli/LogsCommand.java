package io.vmo.cli;

import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class LogsCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this,
            "logs",
            "Stream logs from a VM as a job (cancellable, resumable with `vmo tail`, and kept): a log preset of the VM"
                    + " from config.yml, or else a container's `docker logs`.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final PositionalParamSpec vm = Specs.add(spec, Specs.vm());

    private final PositionalParamSpec container = Specs.add(
            spec,
            Specs.word("1", CompleteCommand.PRESET)
                    .description("A log preset of the VM (see `vmo vms --json`), or a container's name or id."));

    private final OptionSpec follow = Specs.add(
            spec, Specs.flag("-f", "--follow").description("Keep following new log lines until canceled (Ctrl-C)."));

    private final OptionSpec detach = Specs.add(
            spec,
            Specs.flag("-d", "--detach").description("Print the job id and return at once; the job keeps running."));

    LogsCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        String vm = this.vm.getValue();
        String container = this.container.getValue();
        boolean follow = this.follow.getValue();
        boolean detach = this.detach.getValue();
        if (container.startsWith("-")) {
            throw new CliException("container \"" + container + "\" starts with \"-\"; name a container");
        }
        List<String> command = preset(vm, container);
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
    private List<String> preset(String vm, String container) {
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
