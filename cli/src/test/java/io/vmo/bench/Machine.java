package io.vmo.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the benchmark reads about the machine and its processes: /proc, jcmd, small commands. */
final class Machine {

    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total[^\\n]*?used (\\d+)K");
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private Machine() {}

    /** Runs a command to its end and returns its stdout (stderr merged); throws if it fails. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    static String runOr(String fallback, String... command) {
        try {
            return run(command).strip();
        } catch (IOException | InterruptedException e) {
            return fallback;
        }
    }

    /** The first line of /proc/{file} starting with {@code key}, without the key. */
    static String procField(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", file))) {
                if (line.startsWith(key)) {
                    return line.substring(key.length()).strip();
                }
            }
        } catch (IOException e) {
            // gone
        }
        return "";
    }

    /** A {@code kB} field of /proc/PID/status (VmRSS, VmHWM, …) in kB; -1 if unreadable. */
    static long statusKb(long pid, String field) {
        String value = procField(pid + "/status", field + ":");
        return value.isEmpty() ? -1 : Long.parseLong(value.replace("kB", "").strip());
    }

    static long threads(long pid) {
        String value = procField(pid + "/status", "Threads:");
        return value.isEmpty() ? -1 : Long.parseLong(value);
    }

    static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(JCMD.toString(), Long.toString(pid)));
        argv.addAll(List.of(command));
        return run(argv.toArray(String[]::new));
    }

    /** Heap in use after a full GC, in kB (two GCs and a pause, so finalization and reference processing settle). */
    static long heapUsedAfterGcKb(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Thread.sleep(300);
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IOException("cannot read the heap in use from jcmd GC.heap_info:\n" + info);
        }
        return Long.parseLong(m.group(1));
    }

    /** Live objects by class (jcmd GC.class_histogram, which runs a full GC first): class name to bytes. */
    static Map<String, long[]> histogram(long pid) throws IOException, InterruptedException {
        Map<String, long[]> classes = new HashMap<>();
        for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
            Matcher m = HISTOGRAM_ROW.matcher(line);
            if (m.find()) {
                classes.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
        }
        return classes;
    }

    /** The JVM's threads by name, digits dropped ("ForkJoinPool-1-worker-12" counts as "ForkJoinPool-#-worker-#"). */
    static Map<String, Integer> threadNames(long pid) throws IOException, InterruptedException {
        Map<String, Integer> names = new HashMap<>();
        for (String line : jcmd(pid, "Thread.print").split("\n")) {
            if (line.startsWith("\"")) {
                String name = line.substring(1, line.indexOf('"', 1)).replaceAll("\\d+", "#");
                names.merge(name, 1, Integer::sum);
            }
        }
        return names;
    }

    /** CPU seconds (user + system) a process has used; 0 if it is gone. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12 here
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The processes of the PostgreSQL server whose data directory is {@code data} (they run with it as cwd). */
    static List<Long> postgresPids(Path data) {
        Path real;
        try {
            real = data.toRealPath();
        } catch (IOException e) {
            return List.of();
        }
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").contains("postgres"))
                .filter(p -> {
                    try {
                        return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd"))
                                .equals(real);
                    } catch (IOException | UnsupportedOperationException e) {
                        return false;
                    }
                })
                .map(ProcessHandle::pid)
                .toList();
    }

    /** CPU seconds all CPUs of the machine have been busy (not idle, not waiting for I/O), from /proc/stat. */
    static double machineBusySeconds() {
        String[] f = procField("stat", "cpu ").split("\\s+");
        long busy = 0;
        for (int i = 0; i < f.length; i++) {
            if (i < 3 || i == 5
                    || i == 6) { // user nice system, irq softirq (not idle, iowait, steal; guest is in user)
                busy += Long.parseLong(f[i]);
            }
        }
        return busy / 100.0;
    }

    /**
     * CPU seconds used so far by the daemon, the PostgreSQL server and this (client) JVM, and by the whole machine
     * (the rest is the jobs' own processes and anything else running).
     */
    record Cpu(double daemon, double postgres, double client, double machine) {

        static Cpu sample(long daemonPid, Path pgData) {
            double pg = postgresPids(pgData).stream()
                    .mapToDouble(Machine::cpuSeconds)
                    .sum();
            return new Cpu(
                    cpuSeconds(daemonPid),
                    pg,
                    cpuSeconds(ProcessHandle.current().pid()),
                    machineBusySeconds());
        }

        Cpu minus(Cpu before) {
            return new Cpu(
                    daemon - before.daemon,
                    postgres - before.postgres,
                    client - before.client,
                    machine - before.machine);
        }

        String describe(double wallSeconds) {
            double rest = Math.max(0, machine - daemon - postgres - client);
            return String.format(
                    java.util.Locale.ROOT,
                    "daemon %.1f s (%.0f%% of one core), PostgreSQL %.1f s (%.0f%%), benchmark client JVM %.1f s"
                            + " (%.0f%%), everything else (the jobs' processes, other programs) %.1f s (%.0f%%);"
                            + " the machine's %d CPUs were %.0f%% busy",
                    daemon,
                    100 * daemon / wallSeconds,
                    postgres,
                    100 * postgres / wallSeconds,
                    client,
                    100 * client / wallSeconds,
                    rest,
                    100 * rest / wallSeconds,
                    Runtime.getRuntime().availableProcessors(),
                    100 * machine / wallSeconds / Runtime.getRuntime().availableProcessors());
        }
    }
}
