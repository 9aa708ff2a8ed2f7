package io.vmo.daemon;

import static java.util.stream.Collectors.joining;

import io.vmo.daemon.catalog.Catalog;
import io.vmo.daemon.store.Database;
import io.vmo.daemon.web.HealthChecks;
import io.vmo.protocol.BuildInfo;
import io.vmo.protocol.Check;
import io.vmo.protocol.ProjectInfo;
import io.vmo.protocol.StorageInfo;
import io.vmo.protocol.VmInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The daemon's side of {@code vmo doctor}: what only it can see — its version and Java, its database, the disk under
 * its data, the registry and each project's Makefile, the VMs, OpenSSH's configuration and known_hosts (through the
 * ssh package's own resolution, so the configured ssh_config counts). Each check
 * is one line that says what to do when something is wrong; one that cannot be made is a failed check, never an
 * error reply.
 */
final class Checkup implements HealthChecks {

    /** Under this much free space the store will soon stop taking output (a flood writes 100 MB/s). */
    static final long LOW_DISK_BYTES = 1L << 30;

    static final long FULL_DISK_BYTES = 100L << 20;

    private final Supplier<Database.ServerFacts> database;
    private final Catalog catalog;
    private final Path stateDir;
    private final Supplier<List<Path>> knownHostsFiles;
    private final Supplier<StorageInfo> storage;

    /**
     * {@code knownHostsFiles}: resolves OpenSSH's configuration as for a VM, and names its known_hosts files;
     * {@code storage}: what the store holds and keeps (the retention policy).
     */
    Checkup(
            Supplier<Database.ServerFacts> database,
            Catalog catalog,
            Path stateDir,
            Supplier<List<Path>> knownHostsFiles,
            Supplier<StorageInfo> storage) {
        this.database = database;
        this.catalog = catalog;
        this.stateDir = stateDir;
        this.knownHostsFiles = knownHostsFiles;
        this.storage = storage;
    }

    @Override
    public List<Check> run() {
        List<Check> checks = new ArrayList<>();
        checks.add(daemon());
        checks.add(guard("database", this::database, "check the daemon's log (vmo service logs)"));
        checks.add(guard("retention", this::retention, "check the daemon's log (vmo service logs)"));
        checks.add(guard("disk", this::disk, "check that " + stateDir + " exists"));
        checks.add(guard("projects", this::projects, "check ~/.config/mkcli/projects.json"));
        checks.add(guard("vms", this::vms, "check the VM configuration"));
        checks.addAll(ssh());
        return checks;
    }

    private static Check daemon() {
        return Check.ok(
                "daemon",
                "vmo daemon " + BuildInfo.read().describe() + ", Java " + Runtime.version() + " ("
                        + System.getProperty("java.home") + ")");
    }

    private Check database() {
        Database.ServerFacts facts = database.get();
        return Check.ok(
                "database", "PostgreSQL " + facts.version() + ", vmo's database " + size(facts.databaseBytes()));
    }

    /** What the store keeps: its oldest job, the policy, the last prune; a config.yml that stops the prune warns. */
    private Check retention() {
        StorageInfo info = storage.get();
        String oldest = info.oldestStartedAt() == null
                ? "no jobs"
                : info.jobs() + " jobs, the oldest started "
                        + info.oldestStartedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " ("
                        + info.oldestJobId().substring(0, 8) + ")";
        String output = "output " + size(info.outputBytes()) + " of " + size(info.databaseBytes()) + "; ";
        if (info.problem() != null) {
            return Check.warn(
                    "retention",
                    output + oldest + "; nothing is pruned: " + info.problem(),
                    "fix config.yml (retention: {days: 30, keep_last_per_target: 5})");
        }
        String kept = "keeps " + new RetentionPolicy(info.days(), info.keepLastPerTarget()).describe();
        String last = info.lastPrunedAt() == null
                ? "not pruned since the daemon started"
                : "last pruned " + info.lastPrunedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ": "
                        + info.lastPrunedJobs() + " jobs, " + size(info.lastPrunedBytes());
        return Check.ok("retention", output + oldest + "; " + kept + "; " + last);
    }

    private Check disk() throws IOException {
        long free = Files.getFileStore(stateDir).getUsableSpace();
        String detail = size(free) + " free under " + stateDir;
        String advice = "free some space there: when it is full the daemon pauses every job's output";
        if (free < FULL_DISK_BYTES) {
            return Check.fail("disk", detail, advice);
        }
        return free < LOW_DISK_BYTES ? Check.warn("disk", detail, advice) : Check.ok("disk", detail);
    }

    private Check projects() {
        return entries(
                "projects",
                catalog.projects(),
                ProjectInfo::alias,
                ProjectInfo::problem,
                " in the registry, each with a Makefile",
                "fix the folder or its Makefile, or drop the entry from the mkcli registry");
    }

    private Check vms() {
        return entries(
                "vms",
                catalog.vms(),
                VmInfo::name,
                VmInfo::problem,
                " known",
                "fix those entries of the VM configuration or ~/.ssh/config");
    }

    /** A list of catalog entries: ok when none has a problem, else a warning that names each that has one. */
    private static <T> Check entries(
            String name,
            List<T> all,
            Function<T, String> label,
            Function<T, String> problem,
            String allWell,
            String advice) {
        List<String> problems = all.stream()
                .filter(e -> problem.apply(e) != null)
                .map(e -> label.apply(e) + ": " + problem.apply(e))
                .toList();
        if (problems.isEmpty()) {
            return Check.ok(name, all.size() + allWell);
        }
        return Check.warn(
                name,
                problems.size() + " of " + all.size() + " with a problem: " + String.join("; ", problems),
                advice);
    }

    /**
     * OpenSSH's configuration resolves, as the daemon resolves every VM (the configured ssh_config included), and
     * the known_hosts files it names for a host exist: vmo connects only to hosts known there.
     */
    private List<Check> ssh() {
        List<Path> files;
        try {
            files = knownHostsFiles.get();
        } catch (RuntimeException e) {
            return List.of(
                    Check.fail(
                            "ssh",
                            String.valueOf(e.getMessage()),
                            "fix the ssh config: `ssh -G HOST` must work for vmo to reach any VM"),
                    Check.warn("known_hosts", "unknown: OpenSSH's configuration does not resolve", "fix ssh first"));
        }
        Check ssh = Check.ok("ssh", "OpenSSH's configuration resolves (ssh -G)");
        List<Path> present = files.stream().filter(Files::isReadable).toList();
        if (!present.isEmpty()) {
            return List.of(
                    ssh,
                    Check.ok("known_hosts", present.stream().map(Path::toString).collect(joining(", "))));
        }
        return List.of(
                ssh,
                Check.warn(
                        "known_hosts",
                        "none of " + files.stream().map(Path::toString).collect(joining(", ")),
                        "vmo connects only to hosts known there: ssh once to each VM (or ssh-keyscan) as this user"));
    }

    @FunctionalInterface
    private interface Probe {
        Check run() throws Exception;
    }

    private static Check guard(String name, Probe probe, String advice) {
        try {
            return probe.run();
        } catch (Exception e) {
            return Check.fail(name, String.valueOf(e.getMessage()), advice);
        }
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
