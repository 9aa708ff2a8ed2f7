package io.vmo.daemon.web;

import io.vmo.protocol.Check;
import java.util.List;

/** What the daemon can tell of its own health, for {@code vmo doctor}: one {@link Check} each. May block. */
@FunctionalInterface
public interface HealthChecks {

    List<Check> run();
}
