package io.vmo.daemon.job;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Starts a local command in a pseudo-terminal of its own (the terminal package's {@code PtyLauncher}). */
@FunctionalInterface
public interface TerminalLauncher {
    /** Starts argv in dir with {@code env} added to the daemon's environment. */
    TerminalProcess start(List<String> argv, Path dir, TerminalSize size, Map<String, String> env)
            throws IOException;
}
