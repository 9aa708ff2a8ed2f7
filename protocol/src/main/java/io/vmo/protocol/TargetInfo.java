package io.vmo.protocol;

/**
 * A make target of a project, with the description from its {@code target: ## description} comment, if any.
 * {@code interactive}: config.yml marks it as one that asks questions, so it runs in a pseudo-terminal.
 */
public record TargetInfo(String name, String description, boolean interactive) {

    public TargetInfo(String name, String description) {
        this(name, description, false);
    }

    public TargetInfo asInteractive() {
        return new TargetInfo(name, description, true);
    }
}
