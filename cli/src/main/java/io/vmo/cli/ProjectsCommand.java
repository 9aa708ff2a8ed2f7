package io.vmo.cli;

import io.vmo.protocol.ProjectInfo;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

final class ProjectsCommand implements Callable<Integer> {

    final CommandSpec spec =
            Specs.command(this, "projects", "List the projects of the mkcli registry, with any problem an entry has.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final JsonOption json = new JsonOption(spec);

    ProjectsCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        Console console = new Console();
        List<ProjectInfo> projects;
        try (DaemonClient client = daemon.connect()) {
            projects = client.call(new Request.ListProjects(client.nextId()), Response.ProjectList.class)
                    .projects();
        }
        if (json.enabled()) {
            json.print(console, projects);
            return 0;
        }
        Table table = new Table("PROJECT", "FOLDER", "PROBLEM");
        for (ProjectInfo p : projects) {
            table.row(
                    List.of(text -> text, text -> text, text -> console.styleOut(Console.Style.RED, text)),
                    p.alias(),
                    p.dir(),
                    p.problem());
        }
        table.print(console);
        return 0;
    }
}
