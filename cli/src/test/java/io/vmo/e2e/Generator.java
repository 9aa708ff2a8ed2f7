package io.vmo.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A job's output for fault tests: numbered lines written by awk (no python needed) in bursts, piped through
 * {@code tee} so the job keeps a byte-identical copy of everything it wrote to stdout. Each line is ~110 bytes:
 * {@code TAG line 000000042 burst 000003 part 01 ....}. A burst is {@code parts} parts of {@code lines} lines,
 * {@code gap} seconds apart; after each burst comes a pause, the next of {@code pauses} (milliseconds, in turn).
 * It stops after {@code bursts} bursts, or at the next burst once the {@code stop} file exists, and ends with one
 * line {@code TAG end after N lines}.
 */
final class Generator {

    static final String SCRIPT = """
            BEGIN {
                npauses = split(pauses, pause, ",")
                pad = "................................................................"
                n = 0
                for (b = 0; b < bursts; b++) {
                    if (stop != "" && system("test -e '" stop "'") == 0) break
                    for (p = 0; p < parts; p++) {
                        for (i = 0; i < lines; i++) {
                            n++
                            printf "%s line %09d burst %06d part %02d %s\\n", tag, n, b, p, pad
                        }
                        fflush()
                        if (gap > 0 && p < parts - 1) system("sleep " gap)
                    }
                    if (npauses > 0) system("sleep " pause[b % npauses + 1] / 1000)
                }
                printf "%s end after %d lines\\n", tag, n
            }
            """;

    private Generator() {}

    /** Writes the script as {@code gen.awk} into a project folder. */
    static void install(Path projectDir) throws IOException {
        Files.writeString(projectDir.resolve("gen.awk"), SCRIPT);
    }

    /**
     * A recipe line (for a Makefile, with its tab) that runs the generator in {@code projectDir} and tees its
     * output to {@code copy}. Make variables such as {@code $(K)} may appear in the arguments.
     */
    static String recipe(
            Path projectDir,
            String tag,
            int lines,
            int parts,
            String gap,
            String pauses,
            int bursts,
            Path stop,
            String copy) {
        return "\t@awk -v tag=" + tag + " -v lines=" + lines + " -v parts=" + parts + " -v gap=" + gap
                + " -v pauses=" + pauses + " -v bursts=" + bursts + " -v stop=" + (stop == null ? "" : stop)
                + " -f " + projectDir.resolve("gen.awk") + " | tee " + copy + "\n";
    }
}
