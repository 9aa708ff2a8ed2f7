package io.vmo.protocol;

/** A failure with a stable wire {@link ErrorCode} and a message that tells the user what to do. */
public class VmoException extends RuntimeException {

    private final ErrorCode code;

    public VmoException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public VmoException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
