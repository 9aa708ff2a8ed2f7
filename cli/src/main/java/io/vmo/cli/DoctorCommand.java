package io.vmo.cli;

import io.vmo.protocol.BuildInfo;
import io.vmo.protocol.Check;
import io.vmo.protocol.Locations;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vmo doctor}: one line per check, with what to do when something is wrong. This side checks what the
 * client sees (its own build and Java, the token file, the service, whether the daemon answers and runs the same
 * build); the daemon checks the rest ({@code diagnose}: its database, disk, registry, VMs, ssh). Exits 1 when a
 * check failed; warnings alone leave it 0.
 */
final class DoctorCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this,
            "doctor",
            "Check vmo's setup, one line each with what to do: this client, the token file, the service, the daemon"
                    + " (version, database, disk, projects, VMs, ssh, known_hosts). Exits 1 when a check fails.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final JsonOption json = new JsonOption(spec);

    DoctorCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        Console console = new Console();
        Locations locations = Locations.fromEnvironment();
        List<Check> checks = new ArrayList<>();
        String client = BuildInfo.read().describe();
        checks.add(Check.ok(
                "client",
                "vmo " + client + ", Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")"));
        checks.add(tokenFile(locations.tokenFile()));
        checks.add(service());
        try (DaemonClient connection = daemon.connect()) {
            Response.Diagnosis diagnosis =
                    connection.call(new Request.Diagnose(connection.nextId()), Response.Diagnosis.class);
            checks.add(
                    diagnosis.version().equals(client)
                            ? Check.ok("reachable", "the daemon at " + daemon.address() + " answers")
                            : Check.warn(
                                    "reachable",
                                    "the daemon at " + daemon.address() + " runs vmo " + diagnosis.version()
                                            + ", this client is " + client,
                                    "restart the daemon to run this build (vmo service install, or restart `vmo daemon`)"));
            checks.addAll(diagnosis.checks());
        } catch (CliException e) {
            checks.add(
                    Check.fail("reachable", e.getMessage(), "start it: `vmo service install --now` or `vmo daemon`"));
        }
        if (json.enabled()) {
            json.print(console, checks);
        } else {
            print(console, checks);
        }
        return checks.stream().anyMatch(c -> c.status() == Check.Status.FAIL) ? 1 : 0;
    }

    private static void print(Console console, List<Check> checks) {
        int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        for (Check check : checks) {
            String mark = switch (check.status()) {
                case OK -> console.styleOut(Console.Style.GREEN, "ok  ");
                case WARN -> console.styleOut(Console.Style.YELLOW, "warn");
                case FAIL -> console.styleOut(Console.Style.RED, "FAIL");
            };
            StringBuilder line = new StringBuilder(mark)
                    .append("  ")
                    .append(String.format("%-" + width + "s", check.name()))
                    .append("  ")
                    .append(check.detail());
            if (check.advice() != null) {
                line.append(" — ").append(check.advice());
            }
            console.out.println(line);
        }
        console.flush();
    }

    /** The daemon's token: anyone who can read it can run commands as this user. */
    static Check tokenFile(Path file) {
        try {
            Set<PosixFilePermission> modes = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> others = EnumSet.copyOf(modes);
            others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            if (!others.isEmpty()) {
                return Check.fail(
                        "token",
                        file + " is readable by others (" + java.nio.file.attribute.PosixFilePermissions.toString(modes)
                                + ")",
                        "chmod 600 " + file
                                + ", then restart the daemon: it makes a new token only when none is there");
            }
            return Check.ok("token", file + " (owner only)");
        } catch (NoSuchFileException e) {
            return Check.fail("token", "no " + file, "start the daemon once as this user: it creates the token");
        } catch (IOException | UnsupportedOperationException e) {
            return Check.warn("token", "cannot read the modes of " + file + ": " + e.getMessage(), "check it by hand");
        }
    }

    private static Check service() {
        try {
            ServiceManager manager = ServiceManager.of(System.getenv());
            if (!Files.exists(manager.definition())) {
                return Check.ok(
                        "service", "not installed (`vmo service install --now` keeps the daemon running for good)");
            }
            boolean running = manager.status(new PrintStream(java.io.OutputStream.nullOutputStream()));
            return running
                    ? Check.ok("service", "installed and running (" + manager.definition() + ")")
                    : Check.fail(
                            "service",
                            "installed (" + manager.definition() + ") but not running",
                            "`vmo service status` and `vmo service logs` say why; `vmo service install --now` starts"
                                    + " it");
        } catch (CliException e) {
            return Check.warn("service", e.getMessage(), "see `vmo service status`");
        }
    }
}
