package io.vmo.cli;

import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.TargetInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class TargetsCommand implements Callable<Integer> {

    final CommandSpec spec =
            Specs.command(this, "targets", "List a project's make targets, with their `## description` comments.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final JsonOption json = new JsonOption(spec);

    private final PositionalParamSpec project = Specs.add(spec, Specs.project());

    TargetsCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        String project = this.project.getValue();
        Console console = new Console();
        Response.TargetList list;
        try (DaemonClient client = daemon.connect()) {
            list = client.call(new Request.ListTargets(client.nextId(), project), Response.TargetList.class);
        }
        if (json.enabled()) {
            json.print(console, list);
        } else if (list.problem() != null) {
            console.note(list.problem());
        } else {
            Table table = new Table("TARGET", "DESCRIPTION");
            for (TargetInfo target : list.targets()) {
                // Interactive targets (config.yml) run in a terminal: `vmo run` attaches to them.
                String description = target.description() == null ? "" : target.description();
                table.row(
                        target.name(),
                        target.interactive() ? ("[interactive] " + description).strip() : target.description());
            }
            table.print(console);
        }
        return list.problem() == null ? 0 : 1;
    }
}
