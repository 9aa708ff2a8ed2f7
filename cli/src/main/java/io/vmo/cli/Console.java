package io.vmo.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.fusesource.jansi.internal.CLibrary;

/**
 * vmo's stdout and stderr. Job output is written as the exact bytes the job wrote (its own ANSI codes included);
 * vmo adds colour only around it, only on a terminal and only without {@code NO_COLOR}.
 */
final class Console {

    enum Style {
        RED("\u001b[31m"),
        GREEN("\u001b[32m"),
        YELLOW("\u001b[33m"),
        DIM("\u001b[2m"),
        BOLD("\u001b[1m");

        final String code;

        Style(String code) {
            this.code = code;
        }
    }

    private static final String RESET = "\u001b[0m";

    final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    final PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), false, StandardCharsets.UTF_8);
    private final boolean colourOut;
    private final boolean colourErr;

    Console() {
        boolean allowed =
                System.getenv("NO_COLOR") == null || System.getenv("NO_COLOR").isEmpty();
        colourOut = allowed && isTerminal(CLibrary.STDOUT_FILENO);
        colourErr = allowed && isTerminal(CLibrary.STDERR_FILENO);
    }

    static boolean isTerminal(int fd) {
        try {
            return CLibrary.isatty(fd) == 1;
        } catch (Throwable noNativeLibrary) {
            return false; // plain output is always safe
        }
    }

    String styleOut(Style style, String text) {
        return colourOut ? style.code + text + RESET : text;
    }

    String styleErr(Style style, String text) {
        return colourErr ? style.code + text + RESET : text;
    }

    /** Job output on stderr: its exact bytes, in the style's colour where colour is on. */
    void writeErr(Style style, byte[] data) {
        if (colourErr) {
            err.print(style.code);
            err.write(data, 0, data.length);
            err.print(RESET);
        } else {
            err.write(data, 0, data.length);
        }
    }

    /** A note of vmo's own on stderr: one line, dim on a terminal. */
    void note(String line) {
        err.print(styleErr(Style.DIM, "vmo: " + line) + "\n");
        err.flush();
    }

    void flush() {
        out.flush();
        err.flush();
    }
}
