package io.vmo.e2e;

import java.util.Arrays;
import java.util.List;

/**
 * Finds a test's {@code sleep} processes by their distinctive duration argument (shells that mention it in their
 * command line do not count).
 */
final class Processes {

    private Processes() {}

    static List<ProcessHandle> sleeps(String seconds) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false)
                        && p.info()
                                .arguments()
                                .map(a -> Arrays.asList(a).equals(List.of(seconds)))
                                .orElse(false))
                .toList();
    }

    /**
     * Waits until {@code count} are running and returns them: a shell prints what follows {@code cmd &} before the
     * background child has exec'd, so "started" on the output does not mean the sleeps exist yet.
     */
    static List<ProcessHandle> awaitSleeps(String seconds, int count, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        List<ProcessHandle> found = sleeps(seconds);
        while (found.size() != count && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            found = sleeps(seconds);
        }
        return found;
    }

    /** Waits until none is left (a killed process may take a moment to be reaped); returns what remains. */
    static List<ProcessHandle> awaitNoSleeps(String seconds, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        List<ProcessHandle> left = sleeps(seconds);
        while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            left = sleeps(seconds);
        }
        return left;
    }

    static void killSleeps(String seconds) {
        sleeps(seconds).forEach(ProcessHandle::destroyForcibly);
    }
}
