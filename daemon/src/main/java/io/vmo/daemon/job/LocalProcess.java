package io.vmo.daemon.job;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local process started in a session and process group of its own ({@code setsid}), so that cancelling it
 * reaches every process it forked: Java can only signal one pid, and a make target's children would survive.
 */
final class LocalProcess implements JobProcess {

    private static final Logger log = LoggerFactory.getLogger(LocalProcess.class);

    enum Signal { TERM, KILL }

    private final Process process;

    private LocalProcess(Process process) {
        this.process = process;
    }

    /** Runs argv (no shell) in dir, with stdin from /dev/null so nothing waits for input no one can give. */
    static LocalProcess start(List<String> argv, Path dir) throws IOException {
        List<String> command = new ArrayList<>(argv.size() + 1);
        // The JVM's child is never a group leader, so setsid execs the command in place: pid == pgid.
        command.add("setsid");
        command.addAll(argv);
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
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

    /** Signals the whole process group; a group that is already gone is fine. */
    private void signalGroup(Signal signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal.name(), "--", "-" + pid())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor();
        } catch (IOException e) {
            log.warn("cannot signal process group {}: {}", pid(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
