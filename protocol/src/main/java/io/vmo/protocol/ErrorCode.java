package io.vmo.protocol;

/** Stable machine-readable error codes; the message beside them is for people and may change. */
public enum ErrorCode implements WireName {
    BAD_JSON("bad-json"),
    BAD_REQUEST("bad-request"),
    UNKNOWN_TYPE("unknown-type"),
    UNSUPPORTED_VERSION("unsupported-version"),
    FRAME_TOO_LARGE("frame-too-large"),
    UNAUTHORIZED("unauthorized"),
    FORBIDDEN("forbidden"),
    NOT_FOUND("not-found"),
    UNKNOWN_JOB("unknown-job"),
    AMBIGUOUS_JOB("ambiguous-job"),
    UNKNOWN_PROJECT("unknown-project"),
    UNKNOWN_VM("unknown-vm"),
    UNKNOWN_USER("unknown-user"),
    INVALID_ARGUMENT("invalid-argument"),
    NOT_INTERACTIVE("not-interactive"),
    JOB_ENDED("job-ended"),
    SPAWN_FAILED("spawn-failed"),
    SSH_FAILED("ssh-failed"),
    STORE_UNAVAILABLE("store-unavailable"),
    INVALID_CONFIG("invalid-config"),
    TOO_MANY_CONNECTIONS("too-many-connections"),
    REQUEST_TIMEOUT("request-timeout"),
    INTERNAL("internal");

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    @Override
    public String wireName() {
        return code;
    }
}
