package io.vmo.cli;

import io.vmo.protocol.JobInfo;
import io.vmo.protocol.Provenance;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class JobsCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(this, "jobs", "List recent jobs, newest first.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final JsonOption json = new JsonOption(spec);

    private final OptionSpec limit = Specs.add(
            spec,
            OptionSpec.builder("-n", "--limit")
                    .paramLabel("N")
                    .type(int.class)
                    .defaultValue("20")
                    .description(
                            "How many jobs (default: ${DEFAULT-VALUE}, at most " + Request.ListJobs.MAX_LIMIT + ")."));

    private final OptionSpec user = Specs.add(
            spec,
            OptionSpec.builder("--user")
                    .paramLabel("NAME")
                    .type(String.class)
                    .description("Only the jobs this user asked for (`owner` is the token file's holder)."));

    JobsCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        int limit = this.limit.getValue();
        Console console = new Console();
        List<JobInfo> jobs;
        try (DaemonClient client = daemon.connect()) {
            jobs = client.call(
                            new Request.ListJobs(client.nextId(), limit, this.user.getValue()), Response.JobList.class)
                    .jobs();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        if (json.enabled()) {
            json.print(console, jobs);
            return 0;
        }
        Table table = new Table("ID", "STATUS", "BY", "VIA", "COMMAND", "STARTED", "DURATION");
        Instant now = Instant.now();
        for (JobInfo job : jobs) {
            List<String> command = command(job.vm(), job.command(), job.project(), job.target());
            if (job.vm() == null) {
                command.addAll(job.args());
            }
            if (job.interactive()) {
                command.add("[interactive]"); // `vmo attach` works on it
            }
            String status = job.status().wireName();
            table.row(
                    Arrays.asList(null, text -> console.styleOut(statusStyle(status), text)),
                    job.id().substring(0, 8),
                    status,
                    job.requestedBy(),
                    via(job.provenance()),
                    String.join(" ", command),
                    Table.TIME.format(job.startedAt()),
                    duration(Duration.between(job.startedAt(), job.finishedAt() != null ? job.finishedAt() : now)));
        }
        table.print(console);
        return 0;
    }

    /** What a job runs, as the tables show it: {@code web-1: uptime}, or {@code project target}. */
    static List<String> command(String vm, List<String> command, String project, String target) {
        List<String> shown = new ArrayList<>();
        if (vm != null) {
            shown.add(vm + ":");
            shown.addAll(command.isEmpty() ? List.of("(login shell)") : command);
        } else {
            shown.add(project);
            shown.add(target);
        }
        return shown;
    }

    /** The client, its version and (for the CLI) where it ran: {@code cli/0.1.0 alice@laptop}. */
    static String via(Provenance p) {
        if (p.client() == null) {
            return "";
        }
        String via = p.clientVersion() == null ? p.client() : p.client() + "/" + p.clientVersion();
        return p.osUser() == null ? via : via + " " + p.osUser() + "@" + (p.osHost() == null ? "?" : p.osHost());
    }

    private static Console.Style statusStyle(String status) {
        return switch (status) {
            case "success" -> Console.Style.GREEN;
            case "failed", "lost" -> Console.Style.RED;
            case "running" -> Console.Style.YELLOW;
            default -> Console.Style.DIM;
        };
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return String.format("%.1fs", d.toMillis() / 1000.0);
        }
        return s < 3600 ? (s / 60) + "m" + (s % 60) + "s" : (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }
}
