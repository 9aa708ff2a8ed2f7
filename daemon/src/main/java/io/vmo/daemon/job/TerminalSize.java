package io.vmo.daemon.job;

/** A terminal's size in character cells. */
public record TerminalSize(int cols, int rows) {

    /** What a terminal is when no client has said: the VT100's. */
    public static final TerminalSize DEFAULT = new TerminalSize(80, 24);

    /** The size a client gave, or the default when it gave none. */
    public static TerminalSize of(Integer cols, Integer rows) {
        return cols == null || rows == null ? DEFAULT : new TerminalSize(cols, rows);
    }
}
