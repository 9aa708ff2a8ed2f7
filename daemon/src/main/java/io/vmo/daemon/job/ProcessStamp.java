package io.vmo.daemon.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which process a pid meant when it was recorded: the kernel's boot id and the process's start time (clock ticks
 * since boot, {@code /proc/<pid>/stat} field 22). A pid alone may name another program later; a pid, boot and
 * start time never do. Read from {@code /proc}; where there is none, there is no stamp and nothing is ever
 * signalled on the strength of a bare pid.
 */
public record ProcessStamp(long pid, String bootId, long startTicks) {

    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /** The stamp of a live process, if this system can give one. */
    public static Optional<ProcessStamp> of(long pid) {
        return ProcStat.read(pid)
                .flatMap(stat -> currentBoot().map(boot -> new ProcessStamp(pid, boot, stat.startTicks())));
    }

    /** This boot's id: a stamp of another boot names no live process. */
    static Optional<String> currentBoot() {
        try {
            return Optional.of(Files.readString(BOOT_ID).strip());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
