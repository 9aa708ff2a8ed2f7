package io.vmo.daemon.store;

import java.util.Objects;

/** Turns a failed store operation into one line a person can act on (no stack trace, no password). */
final class StoreProblem {

    private StoreProblem() {}

    /**
     * PostgreSQL's own words where there are some ({@code ERROR: could not extend file …: No space left on
     * device}), else the deepest cause's message (connection refused, timed out).
     */
    static String describe(Throwable e) {
        Throwable t = e;
        String message = null;
        while (t != null) {
            if (t instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
                message = p.getServerErrorMessage().getSeverity() + ": "
                        + p.getServerErrorMessage().getMessage();
                break;
            }
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        message = Objects.requireNonNullElse(message, e.getClass().getSimpleName());
        return "PostgreSQL: "
                + Database.redact(message.lines().findFirst().orElse(message).strip());
    }
}
