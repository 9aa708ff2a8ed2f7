package io.vmo.cli;

import io.vmo.protocol.Request;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class RunCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this, "run", "Run a make target of a registered project, streaming its output; exits with its exit code.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final PositionalParamSpec project = Specs.add(spec, Specs.project());

    private final PositionalParamSpec target =
            Specs.add(spec, Specs.word("1", CompleteCommand.TARGET).description("Make target."));

    private final PositionalParamSpec args =
            Specs.add(spec, Specs.words("2..*", "ARG").description("Variable assignments NAME=value or more targets."));

    private final OptionSpec detach = Specs.add(
            spec,
            Specs.flag("-d", "--detach").description("Print the job id and return at once; the job keeps running."));

    private final OptionSpec interactive = Specs.add(
            spec,
            Specs.flag("-i", "--interactive")
                    .description("Run it in a terminal and attach this one: for targets"
                            + " that ask questions. Targets marked interactive in config.yml need no -i. "
                            + TerminalSession.DETACH_HINT + "; `vmo attach JOB` returns."));

    RunCommand() {
        spec.usageMessage().footer("Example: vmo run vm status -- ENV=dev", "         vmo run -i vm create");
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        String project = this.project.getValue();
        String target = this.target.getValue();
        List<String> args = this.args.getValue();
        boolean interactive = this.interactive.getValue();
        boolean detach = this.detach.getValue();
        return new JobFollower(daemon, new Console())
                .start(
                        id -> {
                            var request = new Request.ExecuteCommand(id, project, target, args);
                            return interactive ? request.interactive(null, null) : request;
                        },
                        detach);
    }
}
