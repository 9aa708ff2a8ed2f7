package io.vmo.daemon.job;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A local process started in a session and process group of its own ({@code setsid}), so that cancelling it
 * reaches every process it forked: Java can only signal one pid, and a make target's children would survive.
 */
final class LocalProcess implements JobProcess {

    enum Signal {
        TERM,
        KILL
    }

    private final Process process;

    private LocalProcess(Process process) {
        this.process = process;
    }

    /**
     * Runs argv (no shell) in dir, with the environment {@code env} (all of it) and stdin from /dev/null
     * so nothing waits for input no one can give.
     */
    static LocalProcess start(List<String> argv, Path dir, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(argv.size() + 1);
        // The JVM's child is never a group leader, so setsid execs the command in place: pid == pgid.
        command.add("setsid");
        command.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return new LocalProcess(process);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return process.getErrorStream();
    }

    @Override
    public Integer waitFor() throws InterruptedException {
        return process.waitFor();
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
