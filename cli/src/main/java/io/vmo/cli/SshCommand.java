package io.vmo.cli;

import io.vmo.protocol.Request;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class SshCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this,
            "ssh",
            "Run a command on a VM over SSH, streaming its output; exits with its exit code. The command is passed as"
                    + " arguments, never through a shell of vmo's: for pipes, run `sh -c '…'` yourself.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final PositionalParamSpec vm = Specs.add(spec, Specs.vm());

    private final PositionalParamSpec command = Specs.add(
            spec,
            Specs.words("1..*", "COMMAND")
                    .arity("0..*")
                    .description("The command and its arguments; with -i and none, a login shell."));

    private final OptionSpec detach = Specs.add(
            spec,
            Specs.flag("-d", "--detach").description("Print the job id and return at once; the job keeps running."));

    private final OptionSpec interactive = Specs.add(
            spec,
            Specs.flag("-i", "--interactive")
                    .description("Run it in a terminal on the VM and attach this one. " + TerminalSession.DETACH_HINT
                            + "; `vmo attach JOB` returns."));

    SshCommand() {
        spec.usageMessage()
                .footer(
                        "Example: vmo ssh web-1 -- df -h /",
                        "         vmo ssh -i web-1            (a login shell)",
                        "         vmo ssh -i web-1 -- htop");
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        String vm = this.vm.getValue();
        List<String> command = this.command.getValue();
        boolean interactive = this.interactive.getValue();
        boolean detach = this.detach.getValue();
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
