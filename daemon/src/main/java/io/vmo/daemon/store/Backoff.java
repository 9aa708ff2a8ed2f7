package io.vmo.daemon.store;

import java.time.Duration;

/** Waits between attempts at something that keeps failing: the first delay, doubled each time up to a ceiling. */
final class Backoff {

    private final Duration max;
    private Duration next;

    Backoff(Duration first, Duration max) {
        this.next = first;
        this.max = max;
    }

    /** How long the next {@link #pause} waits. */
    Duration next() {
        return next;
    }

    /** Sleeps the current delay (returning early if interrupted, with the flag kept), then doubles it. */
    void pause() {
        try {
            Thread.sleep(next);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
    }
}
