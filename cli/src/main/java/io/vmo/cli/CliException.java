package io.vmo.cli;

/** A failure to report as one line on stderr, with the exit code vmo ends with. */
class CliException extends RuntimeException {

    /** vmo's own failures (no daemon, refused request) use 2, as make does, so they read apart from success. */
    static final int EXIT_VMO_ERROR = 2;

    private final int exitCode;

    CliException(String message) {
        this(message, EXIT_VMO_ERROR);
    }

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
