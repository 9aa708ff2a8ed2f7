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
        name = "ssh",
        mixinStandardHelpOptions = true,
        description = "Run a command on a VM over SSH, streaming its output; exits with its exit code. The command"
                + " is passed as arguments, never through a shell of vmo's: for pipes, run `sh -c '…'` yourself.",
        footer = {
            "Example: vmo ssh web-1 -- df -h /",
            "         vmo ssh -i web-1            (a login shell)",
            "         vmo ssh -i web-1 -- htop"
        })
final class SshCommand implements Callable<Integer> {

    @Mixin
    DaemonOptions daemon;

    @Parameters(index = "0", paramLabel = CompleteCommand.VM, description = "A VM from `vmo vms`.")
    String vm;

    @Parameters(
            index = "1..*",
            arity = "0..*",
            paramLabel = "COMMAND",
            description = "The command and its arguments; with -i and none, a login shell.")
    List<String> command = new ArrayList<>();

    @Option(
            names = {"-d", "--detach"},
            description = "Print the job id and return at once; the job keeps running.")
    boolean detach;

    @Option(
            names = {"-i", "--interactive"},
            description = "Run it in a terminal on the VM and attach this one. " + TerminalSession.DETACH_HINT
                    + "; `vmo attach JOB` returns.")
    boolean interactive;

    @Override
    public Integer call() {
        if (command.isEmpty() && !interactive) {
            throw new CliException("name the command to run on " + vm + " (vmo ssh " + vm + " -- COMMAND…), or use"
                    + " -i for a login shell");
        }
        return new JobFollower(daemon, new Console())
                .start(
                        id -> new Request.ExecuteCommand(
                                id, null, null, null, vm, command, interactive ? Boolean.TRUE : null, null, null),
                        detach);
    }
}
