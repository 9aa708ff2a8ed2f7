package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Real processes in tests: a process and all it started, and waiting until none of them runs any more. */
final class Processes {

    private Processes() {}

    /** The process and its descendants as they are now, each with its start time (a pid alone may be reused). */
    static List<ProcStat> tree(long pid) {
        ProcessHandle leader = ProcessHandle.of(pid).orElseThrow();
        List<ProcStat> all = new ArrayList<>();
        ProcStat.read(pid).ifPresent(all::add);
        leader.descendants().forEach(h -> ProcStat.read(h.pid()).ifPresent(all::add));
        return all;
    }

    /** The process once it runs {@code program}: a shell's {@code cmd &} is a copy of the shell until it execs. */
    static ProcStat awaitProgram(long pid, String program) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        ProcStat stat;
        while (!(stat = ProcStat.read(pid).orElseThrow()).name().equals(program) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertThat(stat.name()).isEqualTo(program);
        return stat;
    }

    /** Whether this very process still runs: a zombie has ended, it only waits for init to collect it. */
    static boolean running(ProcStat process) {
        return ProcStat.read(process.pid())
                        .filter(now -> now.startTicks() == process.startTicks() && now.running())
                        .isPresent()
                && ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Waits until none of them runs. Polled: init collects orphans only about once a second here, and until then
     * {@link ProcessHandle#onExit} does not complete.
     */
    static void awaitEnded(List<ProcStat> processes) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<ProcStat> running;
        while (!(running = processes.stream().filter(Processes::running).toList()).isEmpty()
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        assertThat(running).as("processes still running").isEmpty();
    }
}
