package io.vmo.daemon.catalog;

import java.nio.file.Path;

/**
 * A make-driven project folder known by an alias, as the mkcli registry lists it. {@code problem} says what is
 * wrong with the entry (folder or Makefile missing, line malformed), or is null when it can be run.
 */
public record Project(String alias, Path dir, String problem) {

    public boolean runnable() {
        return problem == null;
    }
}
