package io.vmo.protocol;

/** A make target of a project, with the description from its {@code target: ## description} comment, if any. */
public record TargetInfo(String name, String description) {}
