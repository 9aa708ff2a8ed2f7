package io.vmo.daemon.terminal;

import com.pty4j.PtyProcess;
import com.pty4j.WinSize;
import io.vmo.daemon.job.ProcessGroup;
import io.vmo.daemon.job.TerminalProcess;
import io.vmo.daemon.job.TerminalSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Closeable;
import java.util.List;

/**
 * A local program in a pseudo-terminal. It leads its own session (pid = process group = session id). Stopping
 * it signals the group and, in case an interactive shell put jobs into groups of their own, every descendant.
 */
final class LocalTerminal implements TerminalProcess {

    private final PtyProcess process;
    private final OutputStream input;

    LocalTerminal(PtyProcess process) {
        this.process = process;
        this.input = process.getOutputStream();
    }

    @Override
    public Long localPid() {
        return process.pid();
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public Integer waitFor() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public void write(byte[] data) throws IOException {
        synchronized (input) { // several clients may type at once: whole writes, never interleaved bytes
            input.write(data);
            input.flush();
        }
    }

    @Override
    public void resize(TerminalSize size) {
        process.setWinSize(new WinSize(size.cols(), size.rows()));
    }

    /** SIGHUP first, as a terminal closing would send (shells exit on it, not on SIGTERM), then SIGTERM. */
    @Override
    public void terminate() {
        List<ProcessHandle> descendants = descendants();
        ProcessGroup.signal(process.pid(), "HUP");
        ProcessGroup.signal(process.pid(), "TERM");
        descendants.forEach(ProcessHandle::destroy);
    }

    @Override
    public void kill() {
        List<ProcessHandle> descendants = descendants();
        ProcessGroup.signal(process.pid(), "KILL");
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /** pty4j's own toHandle()/descendants() are unsupported: go through the pid. */
    private List<ProcessHandle> descendants() {
        return ProcessHandle.of(process.pid()).map(p -> p.descendants().toList()).orElse(List.of());
    }

    /** Closes the master side. Not destroy(): that signals the pid, which may belong to another process by now. */
    @Override
    public void release() {
        for (Closeable stream : List.<Closeable>of(input, process.getInputStream(), process.getErrorStream())) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }
}
