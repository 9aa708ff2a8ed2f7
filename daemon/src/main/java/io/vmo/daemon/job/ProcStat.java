package io.vmo.daemon.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fields of {@code /proc/<pid>/stat} that tell whose a process is: its group, its session, when it started.
 * The command name (field 2) may hold spaces and parentheses, so the fields are counted after its last ')'.
 */
record ProcStat(long pid, String name, char state, long pgrp, long session, long startTicks) {

    private static final Path PROC = Path.of("/proc");

    static Optional<ProcStat> read(long pid) {
        try {
            return Optional.of(parse(
                    pid,
                    Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone, or no /proc here
        }
    }

    static ProcStat parse(long pid, String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String name = stat.substring(open + 1, close);
        // after ") ": state(3) ppid(4) pgrp(5) session(6) tty_nr(7) tpgid(8) flags(9) minflt(10) cminflt(11)
        // majflt(12) cmajflt(13) utime(14) stime(15) cutime(16) cstime(17) priority(18) nice(19)
        // num_threads(20) itrealvalue(21) starttime(22)
        String[] f = stat.substring(close + 2).split(" ");
        return new ProcStat(
                pid, name, f[0].charAt(0), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[19]));
    }

    /** Not yet ended: a zombie (ended, not yet collected by its parent) runs no more. */
    boolean running() {
        return state != 'Z' && state != 'X';
    }

    /** Every process this system shows; empty where there is no /proc. */
    static List<ProcStat> all() {
        List<ProcStat> all = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(
                PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                read(Long.parseLong(dir.getFileName().toString())).ifPresent(all::add);
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return all;
    }

    /** Whether the process's environment holds exactly this {@code NAME=value} entry (readable for our own). */
    boolean hasEnvironmentEntry(String entry) {
        try {
            byte[] env = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
            for (String e : new String(env, StandardCharsets.UTF_8).split("\0")) {
                if (e.equals(entry)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
