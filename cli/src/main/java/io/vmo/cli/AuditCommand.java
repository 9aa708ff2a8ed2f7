package io.vmo.cli;

import io.vmo.protocol.AuditEvent;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code vmo audit}: the daemon's audit trail (who did what, when, from where, with what outcome), oldest first;
 * {@code --verify} has the daemon check its HMAC chain and exits 1 naming the first bad row.
 */
final class AuditCommand implements Callable<Integer> {

    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhdw])");

    final CommandSpec spec = Specs.command(
            this,
            "audit",
            "List the daemon's audit trail, oldest first: who did what, when, from where, and the outcome. With"
                    + " --verify, check that no row was altered or deleted (exits 1 naming the first bad row).");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final JsonOption json = new JsonOption(spec);

    private final OptionSpec since = Specs.add(
            spec,
            OptionSpec.builder("--since")
                    .paramLabel("DURATION|TIME")
                    .type(String.class)
                    .description("Only events since then: a duration back from now (30m, 12h, 7d, 2w) or a time"
                            + " (2026-12-06, 2026-12-06T14:30, 2026-12-06T14:30:00Z; local time unless it says)."));

    private final OptionSpec user = Specs.add(
            spec,
            OptionSpec.builder("--user").paramLabel("NAME").type(String.class).description("Only this user's events."));

    private final OptionSpec limit = Specs.add(
            spec,
            OptionSpec.builder("-n", "--limit")
                    .paramLabel("N")
                    .type(int.class)
                    .defaultValue(Integer.toString(Request.ListAudit.DEFAULT_LIMIT))
                    .description("At most this many, the newest (default: ${DEFAULT-VALUE}, at most "
                            + Request.ListAudit.MAX_LIMIT + ")."));

    private final OptionSpec verify = Specs.add(
            spec,
            Specs.flag("--verify")
                    .description("Check the trail's HMAC chain and its end against the head the daemon keeps"
                            + " outside the database; exit 1 naming the first bad row if any was altered or deleted."));

    AuditCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        Console console = new Console();
        if (verify.<Boolean>getValue()) {
            return verify(console);
        }
        Instant from = since.getValue() == null ? null : since(since.getValue(), Instant.now());
        List<AuditEvent> events;
        try (DaemonClient client = daemon.connect()) {
            events = client.call(
                            new Request.ListAudit(client.nextId(), from, user.getValue(), limit.getValue()),
                            Response.AuditList.class)
                    .events();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        if (json.enabled()) {
            json.print(console, events);
            return 0;
        }
        Table table = new Table("SEQ", "TIME", "USER", "CLIENT", "PEER", "ACTION", "SUBJECT", "OUTCOME", "DETAIL");
        for (AuditEvent e : events) {
            table.row(
                    Arrays.asList(
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            text -> console.styleOut(style(e.outcome()), text)),
                    Long.toString(e.seq()),
                    Table.TIME.format(e.at()),
                    e.user() == null ? "-" : e.user(),
                    e.client() == null ? "-" : e.client(),
                    e.peer() == null ? "-" : e.peer(),
                    e.action(),
                    e.subject() == null ? "-" : e.subject(),
                    e.outcome(),
                    e.detail() == null ? "" : e.detail());
        }
        table.print(console);
        return 0;
    }

    private int verify(Console console) {
        Response.AuditVerified verdict;
        try (DaemonClient client = daemon.connect()) {
            verdict = client.call(new Request.VerifyAudit(client.nextId()), Response.AuditVerified.class);
        }
        if (json.enabled()) {
            json.print(console, verdict);
        } else if (verdict.ok()) {
            console.out.println(console.styleOut(Console.Style.GREEN, "ok")
                    + "  audit trail intact: " + verdict.rows() + " rows"
                    + (verdict.rows() == 0 ? "" : " (seq " + verdict.firstSeq() + " to " + verdict.lastSeq() + ")")
                    + ", none altered or missing; it reaches the head the daemon keeps outside the database (seq "
                    + verdict.headSeq() + ")");
        } else {
            console.out.println(console.styleOut(Console.Style.RED, "FAIL")
                    + "  audit trail tampered with at row " + verdict.badSeq() + ": " + verdict.problem() + " — "
                    + verdict.advice());
        }
        console.flush();
        return verdict.ok() ? 0 : 1;
    }

    /** {@code --since}: a duration back from {@code now}, or a time (local unless it has an offset). */
    static Instant since(String text, Instant now) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return now.minus(d);
        }
        String iso = text.strip().replace(' ', 'T');
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            // not with an offset
        }
        try {
            return java.time.OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            // not with a numeric offset
        }
        try {
            return LocalDateTime.parse(iso).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            // not a local date and time
        }
        try {
            return LocalDate.parse(iso).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw new CliException("--since " + text + " is neither a duration (30m, 12h, 7d, 2w) nor a time"
                    + " (2026-12-06, 2026-12-06T14:30, 2026-12-06T14:30:00Z)");
        }
    }

    private static Console.Style style(String outcome) {
        return switch (outcome) {
            case "ok" -> Console.Style.GREEN;
            case "refused" -> Console.Style.YELLOW;
            default -> Console.Style.RED;
        };
    }
}
