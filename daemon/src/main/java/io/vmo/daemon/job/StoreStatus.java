package io.vmo.daemon.job;

import java.util.Optional;

/** Whether the store is known to be down, and why: reads that would wait on it fail at once instead. */
@FunctionalInterface
public interface StoreStatus {
    Optional<String> problem();
}
