package io.vmo.daemon.catalog;

import java.nio.file.Path;

/** A make-driven project folder known by an alias, as the mkcli registry lists it. */
public record Project(String alias, Path dir) {}
