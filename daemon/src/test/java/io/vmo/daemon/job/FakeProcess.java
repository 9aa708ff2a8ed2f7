package io.vmo.daemon.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a job runs, played by the test: output through real pipes (so a pump that stops reading stops the
 * "process"), an exit when the test says, and signals recorded. SIGKILL always ends it and closes its output;
 * SIGTERM does too unless it {@link #ignoresTerm}.
 */
class FakeProcess implements JobProcess {

    private final Pipe out = open();
    private final Pipe err = open();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final CompletableFuture<Void> reading = new CompletableFuture<>();
    final List<String> signals = new CopyOnWriteArrayList<>();
    final AtomicInteger releases = new AtomicInteger();
    volatile boolean ignoresTerm;

    private static Pipe open() {
        try {
            return Pipe.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Completes once its output is read: it has started and been handed to the job. */
    CompletableFuture<Void> reading() {
        return reading;
    }

    @Override
    public InputStream stdout() {
        reading.complete(null);
        return Channels.newInputStream(out.source());
    }

    @Override
    public InputStream stderr() {
        return Channels.newInputStream(err.source());
    }

    void print(String text) throws IOException {
        write(out, text.getBytes(StandardCharsets.UTF_8));
    }

    void print(byte[] data) throws IOException {
        write(out, data);
    }

    void printErr(String text) throws IOException {
        write(err, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Pipe pipe, byte[] data) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
            pipe.sink().write(buffer);
        }
    }

    /** Closes its output and exits with {@code code} (null: ended by a signal). */
    void exit(Integer code) {
        closeOutput();
        exit.complete(code);
    }

    /** Exits while something it started still holds its output open. */
    void exitLeavingOutputOpen(int code) {
        exit.complete(code);
    }

    /** Its end is unknown: the connection to it broke. */
    void loseConnection(String why) {
        exit.completeExceptionally(new IOException(why));
    }

    void closeOutput() {
        try {
            out.sink().close();
            err.sink().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Integer waitFor() throws InterruptedException, IOException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw (IOException) e.getCause();
        }
    }

    @Override
    public void terminate() {
        signals.add("TERM");
        if (!ignoresTerm) {
            exit(null);
        }
    }

    @Override
    public void kill() {
        signals.add("KILL");
        exit(null);
    }

    @Override
    public void release() {
        releases.incrementAndGet();
    }
}
