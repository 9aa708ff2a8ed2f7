package io.vmo.cli;

import io.vmo.protocol.JobInfo;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List recent jobs, newest first.")
final class JobsCommand implements Callable<Integer> {

    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @Mixin
    DaemonOptions daemon;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "20",
            description = "How many jobs (default: ${DEFAULT-VALUE}, at most " + Request.ListJobs.MAX_LIMIT + ").")
    int limit;

    @Override
    public Integer call() {
        Console console = new Console();
        List<JobInfo> jobs;
        try (DaemonClient client = daemon.connect()) {
            jobs = client.call(new Request.ListJobs(client.nextId(), limit), Response.JobList.class).jobs();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "STATUS", "COMMAND", "STARTED", "DURATION"});
        Instant now = Instant.now();
        for (JobInfo job : jobs) {
            List<String> command = new ArrayList<>(List.of(job.project(), job.target()));
            command.addAll(job.args());
            rows.add(new String[] {job.id().substring(0, 8), job.status().wireName(), String.join(" ", command),
                    STARTED.format(job.startedAt()),
                    duration(Duration.between(job.startedAt(), job.finishedAt() != null ? job.finishedAt() : now))});
        }
        int[] widths = new int[rows.getFirst().length];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                String cell = String.format("%-" + widths[i] + "s", rows.get(r)[i]);
                line.append(i == 1 && r > 0 ? console.styleOut(statusStyle(rows.get(r)[i]), cell) : cell);
                line.append(i < widths.length - 1 ? "  " : "");
            }
            console.out.println(r == 0 ? console.styleOut(Console.Style.BOLD, line.toString().strip())
                    : line.toString().stripTrailing());
        }
        console.flush();
        return 0;
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
