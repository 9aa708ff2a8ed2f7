package io.vmo.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a chunk of output came from. {@code system} lines are vmo's own notes about the job; {@code pty} is an
 * interactive job's terminal output; {@code input} marks (with an empty chunk) that someone typed into it — what
 * was typed is never recorded.
 */
public enum LogStream {
    @JsonProperty("stdout")
    STDOUT(1),
    @JsonProperty("stderr")
    STDERR(2),
    @JsonProperty("system")
    SYSTEM(3),
    @JsonProperty("pty")
    PTY(4),
    @JsonProperty("input")
    INPUT(5);

    /** The stream's byte in a binary {@link LogFrame}: fixed, unlike the enum's ordinal. */
    final byte code;

    LogStream(int code) {
        this.code = (byte) code;
    }

    static LogStream fromCode(byte code) {
        for (LogStream stream : values()) {
            if (stream.code == code) {
                return stream;
            }
        }
        throw new VmoException(
                ErrorCode.BAD_REQUEST,
                "a binary job:log frame names stream " + code + ", which this" + " vmo does not know; update vmo");
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static LogStream fromWire(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
