package io.vmo.daemon.job;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Starts a local command in a pseudo-terminal of its own (the terminal package's {@code PtyLauncher}). */
@FunctionalInterface
public interface TerminalLauncher {
    TerminalProcess start(List<String> argv, Path dir, TerminalSize size) throws IOException;
}
