package io.vmo.cli;

import io.vmo.protocol.PrunedJob;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code vmo prune [--dry-run]}: applies the retention policy of config.yml now, as the daemon does daily, and prints
 * each job it removed (or would remove) with the size of its output, then the totals.
 */
final class PruneCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this,
            "prune",
            "Remove old finished jobs and their output now, as the daemon does daily (config.yml: retention).");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final JsonOption json = new JsonOption(spec);

    private final OptionSpec dryRun = Specs.add(
            spec, Specs.flag("-n", "--dry-run").description("Only print what would be removed; remove nothing."));

    PruneCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        boolean dry = dryRun.getValue();
        Console console = new Console();
        Response.PruneReport report;
        try (DaemonClient client = daemon.connect()) {
            report = client.call(new Request.Prune(client.nextId(), dry), Response.PruneReport.class);
        }
        if (json.enabled()) {
            json.print(console, report);
            return 0;
        }
        if (!report.removed().isEmpty()) {
            Table table = new Table("ID", "STATUS", "COMMAND", "STARTED", "OUTPUT");
            for (PrunedJob job : report.removed()) {
                table.row(
                        job.id().substring(0, 8),
                        job.status().wireName(),
                        String.join(" ", JobsCommand.command(job.vm(), job.command(), job.project(), job.target())),
                        Table.TIME.format(job.startedAt()),
                        bytes(job.bytes()));
            }
            table.print(console);
            if (report.jobs() > report.removed().size()) {
                console.out.println("… and " + (report.jobs() - report.removed().size()) + " more");
            }
        }
        String policy = "keeping " + report.days() + " days after a job's end and the last "
                + report.keepLastPerTarget() + " runs of each target";
        String what =
                report.jobs() + (report.jobs() == 1 ? " job" : " jobs") + ", " + bytes(report.bytes()) + " of output";
        console.out.println(
                report.jobs() == 0
                        ? "nothing to prune (" + policy + ")"
                        : (report.dryRun()
                                        ? "would remove " + what + " (dry run: nothing removed; "
                                        : "removed " + what + " in "
                                                + String.format(Locale.ROOT, "%.1f", report.millis() / 1000.0) + " s (")
                                + policy + ")");
        console.flush();
        return 0;
    }

    /** 1.5 MB, 12 kB, 300 B (powers of 1000, as disk sizes are sold). */
    static String bytes(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f GB", n / 1e9);
        } else if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
        } else if (n >= 1_000L) {
            return String.format(Locale.ROOT, "%.1f kB", n / 1e3);
        }
        return n + " B";
    }
}
