package io.vmo.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a chunk of output came from. {@code system} lines are vmo's own notes about the job; {@code pty} is an
 * interactive job's terminal output; {@code input} marks (with an empty chunk) that someone typed into it — what
 * was typed is never recorded.
 */
public enum LogStream {
    @JsonProperty("stdout") STDOUT,
    @JsonProperty("stderr") STDERR,
    @JsonProperty("system") SYSTEM,
    @JsonProperty("pty") PTY,
    @JsonProperty("input") INPUT;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static LogStream fromWire(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
