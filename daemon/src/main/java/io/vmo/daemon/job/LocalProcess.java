package io.vmo.daemon.job;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A local process started in a session and process group of its own ({@link SessionSpawn}), so that cancelling it
 * reaches every process it forked: Java can only signal one pid, and a make target's children would survive.
 */
final class LocalProcess implements JobProcess {

    enum Signal {
        TERM,
        KILL
    }

    private final SessionSpawn.Spawned process;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private LocalProcess(SessionSpawn.Spawned process) {
        this.process = process;
        // waitpid blocks in native code, which would pin a virtual thread's carrier for the job's whole life: a
        // platform thread of its own waits (as the JDK's process reaper did for each process it started).
        Thread.ofPlatform().name("vmo-wait-" + process.pid()).daemon().start(() -> {
            try {
                exit.complete(SessionSpawn.exitCode(process.waiter().await()));
            } catch (IOException | RuntimeException e) {
                exit.completeExceptionally(e);
            }
        });
    }

    /**
     * Runs argv (no shell) in dir, with the environment {@code env} (all of it) and stdin from /dev/null
     * so nothing waits for input no one can give.
     */
    static LocalProcess start(SessionSpawn spawn, List<String> argv, Path dir, Map<String, String> env)
            throws IOException {
        return new LocalProcess(spawn.start(argv, dir, env));
    }

    long pid() {
        return process.pid();
    }

    @Override
    public InputStream stdout() {
        return process.stdout();
    }

    @Override
    public InputStream stderr() {
        return process.stderr();
    }

    @Override
    public Integer waitFor() throws InterruptedException, IOException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Its pipes are read with blocking native reads (a FileInputStream over /dev/fd). */
    @Override
    public boolean readsInNativeCode() {
        return true;
    }

    @Override
    public void terminate() {
        signalGroup(Signal.TERM);
    }

    @Override
    public void kill() {
        signalGroup(Signal.KILL);
    }

    private void signalGroup(Signal signal) {
        ProcessGroup.signal(pid(), signal.name());
    }
}
