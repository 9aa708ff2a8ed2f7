package io.vmo.daemon.job;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Starts a local command in a pseudo-terminal of its own (the terminal package's {@code PtyLauncher}). */
@FunctionalInterface
public interface TerminalLauncher {
    /** Starts argv in dir with the environment {@code env} (all of it; the terminal adds TERM). */
    TerminalProcess start(List<String> argv, Path dir, TerminalSize size, Map<String, String> env) throws IOException;
}
