package io.vmo.daemon.job;

import java.io.IOException;
import java.io.InputStream;

/**
 * A job running in a pseudo-terminal (local, or an SSH channel with a PTY): one output stream, the terminal's
 * ({@link #stdout()}, recorded as {@code pty}), and input and a size that clients give it.
 */
public interface TerminalProcess extends JobProcess {

    /** Terminals are read on platform threads (pty4j reads in native code; sshj's are treated alike). */
    @Override
    default boolean readsInNativeCode() {
        return true;
    }

    /** A terminal has one output stream; the program's stderr is part of {@link #stdout()}. */
    @Override
    default InputStream stderr() {
        return InputStream.nullInputStream();
    }

    /** The local process's pid, recorded with the job; null for one on a VM. */
    default Long localPid() {
        return null;
    }

    /** Writes typed input to the terminal as is. May block while the program does not read; thread-safe. */
    void write(byte[] data) throws IOException;

    /** Sets the terminal's size; the program gets SIGWINCH. */
    void resize(TerminalSize size) throws IOException;
}
