package io.vmo.daemon.terminal;

import com.pty4j.PtyProcess;
import com.pty4j.WinSize;
import io.vmo.daemon.job.ProcessGroup;
import io.vmo.daemon.job.TerminalProcess;
import io.vmo.daemon.job.TerminalSize;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * A local program in a pseudo-terminal. It leads its own session (pid = process group = session id). Stopping
 * it signals the group and, in case an interactive shell put jobs into groups of their own, every descendant.
 *
 * <p>pty4j blocks in native code (JNA) and in {@code Object.wait}, both of which pin a virtual thread to its
 * carrier (the latter before JDK 24): writes and the wait for the end run on platform threads of their own, and
 * callers, virtual threads, wait for those without pinning anything.
 */
final class LocalTerminal implements TerminalProcess {

    private final PtyProcess process;
    private final OutputStream input;
    private final ExecutorService writer;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    LocalTerminal(PtyProcess process) {
        this.process = process;
        this.input = process.getOutputStream();
        this.writer = Executors.newSingleThreadExecutor(Thread.ofPlatform()
                .name("vmo-pty-writer-" + process.pid())
                .daemon()
                .factory());
        Thread.ofPlatform().name("vmo-pty-wait-" + process.pid()).daemon().start(() -> {
            try {
                exit.complete(process.waitFor());
            } catch (InterruptedException e) {
                exit.completeExceptionally(e);
            }
        });
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
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new InterruptedException("waiting for the terminal's program was interrupted");
        }
    }

    /** One writer thread: several clients may type at once, and each write goes in whole. */
    @Override
    public void write(byte[] data) throws IOException {
        try {
            writer.submit(() -> {
                        input.write(data);
                        input.flush();
                        return null;
                    })
                    .get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException | RejectedExecutionException e) {
            throw new IOException("the terminal is closing", e);
        }
    }

    @Override
    public void resize(TerminalSize size) {
        process.setWinSize(new WinSize(size.cols(), size.rows()));
    }

    /**
     * SIGHUP first, as a terminal closing would send (shells exit on it, not on SIGTERM), then SIGTERM, then
     * SIGCONT for whatever Ctrl-Z stopped.
     */
    @Override
    public void terminate() {
        List<ProcessHandle> descendants = descendants();
        ProcessGroup.signal(process.pid(), "HUP");
        ProcessGroup.signal(process.pid(), "TERM");
        descendants.forEach(ProcessHandle::destroy);
        ProcessGroup.signal(process.pid(), "CONT"); // a program stopped with Ctrl-Z acts on them only once resumed
    }

    @Override
    public void kill() {
        List<ProcessHandle> descendants = descendants();
        ProcessGroup.signal(process.pid(), "KILL");
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /** pty4j's own toHandle()/descendants() are unsupported: go through the pid. */
    private List<ProcessHandle> descendants() {
        return ProcessHandle.of(process.pid())
                .map(p -> p.descendants().toList())
                .orElse(List.of());
    }

    /** Closes the master side. Not destroy(): that signals the pid, which may belong to another process by now. */
    @Override
    public void release() {
        writer.shutdownNow();
        for (Closeable stream : List.<Closeable>of(input, process.getInputStream(), process.getErrorStream())) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }
}
