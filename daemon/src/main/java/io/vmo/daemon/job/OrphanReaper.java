package io.vmo.daemon.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start-up, stops the processes that jobs of a daemon that died (SIGKILL, crash) left running — a recipe's
 * {@code sleep 3600 &} outlives make — but only those provably still the job's: a pid may since name another
 * program. Proof is the recorded {@link ProcessStamp}: the job's session leader alive with the recorded start
 * time; or, once the leader is gone, members of its session (Linux does not hand out a pid still used as a
 * session or group id) that started after it and carry the job's {@value #JOB_ID_VARIABLE} in their environment.
 */
public final class OrphanReaper {

    private static final Logger log = LoggerFactory.getLogger(OrphanReaper.class);

    /** Set in every local job's environment: how its processes are recognised later, and handy for recipes. */
    public static final String JOB_ID_VARIABLE = "VMO_JOB_ID";

    private static final Duration AFTER_KILL = Duration.ofSeconds(2);

    /** A job a dead daemon left running, as recorded; {@code process} is null when none was local. */
    public record Orphan(UUID jobId, ProcessStamp process) {}

    private final Duration grace;

    public OrphanReaper(Duration grace) {
        this.grace = grace;
    }

    /** Reaps all of them at once (each may wait out the grace); returns, per job, a sentence on what was done. */
    public Map<UUID, String> reap(List<Orphan> orphans) {
        if (orphans.isEmpty()) {
            return Map.of();
        }
        Map<UUID, String> done = new ConcurrentHashMap<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture.allOf(orphans.stream()
                            .map(o -> CompletableFuture.runAsync(() -> done.put(o.jobId(), reap(o)), threads))
                            .toArray(CompletableFuture[]::new))
                    .join();
        }
        return done;
    }

    String reap(Orphan orphan) {
        ProcessStamp stamp = orphan.process();
        if (stamp == null) {
            return "It had no local process.";
        }
        Optional<String> boot = ProcessStamp.currentBoot();
        if (boot.isEmpty()) {
            return "This system cannot show whether its processes (session " + stamp.pid() + ") still run, so none"
                    + " was signalled.";
        }
        if (!boot.get().equals(stamp.bootId())) {
            return "The machine has restarted since, so none of its processes is left.";
        }
        Optional<ProcStat> leader = ProcStat.read(stamp.pid());
        if (leader.isPresent() && leader.get().startTicks() != stamp.startTicks()) {
            return "Its process id " + stamp.pid() + " now belongs to another program ("
                    + leader.get().name() + ", started later), which was left alone.";
        }
        List<ProcStat> found = theJobs(orphan);
        if (found.isEmpty()) {
            return "None of its processes was still running.";
        }
        log.warn(
                "job {}: stopping {} process(es) left running by the previous daemon: {}",
                orphan.jobId(),
                found.size(),
                describe(found));
        found.forEach(p -> signal(p, false));
        long start = System.nanoTime();
        List<ProcStat> left = awaitExit(found, grace);
        String what = found.size() + " of its processes were still running (" + describe(found) + "): sent SIGTERM";
        if (left.isEmpty()) {
            return what + "; all had ended " + millis(start) + " ms later.";
        }
        List<ProcStat> killed = new ArrayList<>(left);
        theJobs(orphan).stream()
                .filter(p -> killed.stream().noneMatch(k -> k.pid() == p.pid()))
                .forEach(killed::add);
        killed.forEach(p -> signal(p, true));
        List<ProcStat> survivors = awaitExit(killed, AFTER_KILL);
        return what + "; " + killed.size() + " still ran after the " + grace.toMillis() + " ms grace and got SIGKILL"
                + (survivors.isEmpty() ? "." : "; " + describe(survivors) + " could not be stopped.");
    }

    /** The job's processes, by the proof above. */
    private static List<ProcStat> theJobs(Orphan orphan) {
        ProcessStamp stamp = orphan.process();
        long sid = stamp.pid();
        boolean leaderIsOurs = ProcStat.read(sid)
                .map(l -> l.startTicks() == stamp.startTicks())
                .orElse(false);
        String mark = JOB_ID_VARIABLE + "=" + orphan.jobId();
        return ProcStat.all().stream()
                .filter(p -> (p.session() == sid || p.pgrp() == sid) && p.running())
                .filter(p -> p.startTicks() >= stamp.startTicks())
                .filter(p -> leaderIsOurs || p.hasEnvironmentEntry(mark))
                .toList();
    }

    /** Signals one process, after checking that its pid still means the same process. */
    private static void signal(ProcStat p, boolean kill) {
        if (ProcStat.read(p.pid())
                .map(now -> now.startTicks() == p.startTicks())
                .orElse(false)) {
            ProcessHandle.of(p.pid()).ifPresent(h -> {
                if (kill) {
                    h.destroyForcibly();
                } else {
                    h.destroy();
                }
            });
        }
    }

    private static List<ProcStat> awaitExit(List<ProcStat> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ProcStat> alive = processes.stream()
                    .filter(p -> ProcStat.read(p.pid())
                            .map(now -> now.startTicks() == p.startTicks() && now.running())
                            .orElse(false))
                    .toList();
            if (alive.isEmpty() || System.nanoTime() > deadline) {
                return alive;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return alive;
            }
        }
    }

    private static String describe(List<ProcStat> processes) {
        return processes.stream().map(p -> p.pid() + " " + p.name()).collect(Collectors.joining(", "));
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
