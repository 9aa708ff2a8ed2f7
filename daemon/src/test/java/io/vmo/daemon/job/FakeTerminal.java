package io.vmo.daemon.job;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link FakeProcess} in a pseudo-terminal: what is typed into it and how it is sized are recorded. */
final class FakeTerminal extends FakeProcess implements TerminalProcess {

    private final ByteArrayOutputStream typed = new ByteArrayOutputStream();
    final List<TerminalSize> sizes = new CopyOnWriteArrayList<>();
    /** Writes fail, as to a terminal whose program has closed it. */
    volatile boolean closed;

    private final Long pid;

    /** One on a VM: no local pid. */
    FakeTerminal(TerminalSize initial) {
        this(initial, null);
    }

    /** A local one; {@code pid} names no live process, so nothing can ever signal it. */
    FakeTerminal(TerminalSize initial, Long pid) {
        this.pid = pid;
        sizes.add(initial);
    }

    @Override
    public Long localPid() {
        return pid != null ? pid : TerminalProcess.super.localPid();
    }

    /** A terminal's one stream: as every {@link TerminalProcess} has it. */
    @Override
    public InputStream stderr() {
        return TerminalProcess.super.stderr();
    }

    @Override
    public synchronized void write(byte[] data) throws IOException {
        if (closed) {
            throw new IOException("input/output error");
        }
        typed.write(data);
    }

    @Override
    public void resize(TerminalSize size) throws IOException {
        if (closed) {
            throw new IOException("input/output error");
        }
        sizes.add(size);
    }

    synchronized String typed() {
        return typed.toString(StandardCharsets.UTF_8);
    }
}
