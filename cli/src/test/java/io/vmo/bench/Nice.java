package io.vmo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Lowers the CPU priority of some of the benchmark's own threads. The viewers are its load generator: on a real
 * machine they are other people's browsers, on other machines; here they share two cores with the daemon, and at the
 * same priority their 200 threads took much of the CPU the job's own pipeline needed, so the fan-out phase measured
 * the machine more than the daemon. At nice 19 they get what the daemon, PostgreSQL and the job leave; the daemon's
 * delivery work for them still runs at the daemon's own priority, so what that costs the job is measured. On Linux
 * the nice value is per thread, so {@code renice -p TID} changes just that thread.
 */
final class Nice {

    static final int VIEWERS = 19;

    private Nice() {}

    /** The calling thread's kernel id (Linux), or -1. */
    static long currentTid() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // PID/task/TID
            return Long.parseLong(link.substring(link.lastIndexOf('/') + 1));
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * The benchmark JVM's own JIT compiler and garbage collector threads. With 200 viewers in this JVM they compile
     * and collect for the viewers, at normal priority: in one fan-out run its C2 compiler took 0.13 s of CPU while
     * the job wrote for 0.56 s. They are the load generator's too.
     */
    static List<Long> runtimeThreads() {
        List<Long> tids = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String comm = Files.readString(task.resolve("comm")).strip();
                if (comm.startsWith("C1 Compiler")
                        || comm.startsWith("C2 Compiler")
                        || comm.startsWith("GC Thread")
                        || comm.startsWith("G1 ")) {
                    tids.add(Long.parseLong(task.getFileName().toString()));
                }
            }
        } catch (Exception e) {
            // not Linux: nothing to renice
        }
        return tids;
    }

    /** Renices these threads; a short description of what was done, for the report. */
    static String set(Collection<Long> tids, int nice) {
        List<String> command = new ArrayList<>(List.of("renice", "-n", String.valueOf(nice), "-p"));
        tids.stream().filter(t -> t > 0).forEach(t -> command.add(String.valueOf(t)));
        if (command.size() == 4) {
            return "not reniced (no thread ids)";
        }
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "renice did not finish within 10 s";
            }
            return p.exitValue() == 0 ? "nice " + nice : "renice failed (exit " + p.exitValue() + ")";
        } catch (Exception e) {
            return "renice failed (" + e + ")";
        }
    }
}
