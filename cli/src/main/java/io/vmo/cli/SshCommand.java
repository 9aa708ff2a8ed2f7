package io.vmo.cli;

import io.vmo.protocol.Request;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ssh", mixinStandardHelpOptions = true,
        description = "Run a command on a VM over SSH, streaming its output; exits with its exit code. The command"
                + " is passed as arguments, never through a shell of vmo's: for pipes, run `sh -c '…'` yourself.",
        footer = "Example: vmo ssh web-1 -- df -h /")
final class SshCommand implements Callable<Integer> {

    @Mixin
    DaemonOptions daemon;

    @Parameters(index = "0", paramLabel = "VM", description = "A VM from `vmo vms`.")
    String vm;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
    List<String> command;

    @Option(names = {"-d", "--detach"}, description = "Print the job id and return at once; the job keeps running.")
    boolean detach;

    @Override
    public Integer call() {
        return new JobFollower(daemon, new Console())
                .start(id -> Request.ExecuteCommand.remote(id, vm, command), detach);
    }
}
