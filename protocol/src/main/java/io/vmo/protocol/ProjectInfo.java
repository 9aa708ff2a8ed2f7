package io.vmo.protocol;

/** A registered project. {@code problem} says why it cannot be run (folder or Makefile missing…), else null. */
public record ProjectInfo(String alias, String dir, String problem) {}
