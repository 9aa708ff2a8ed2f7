package io.vmo.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a chunk of output came from. {@code system} lines are vmo's own notes about the job. */
public enum LogStream {
    @JsonProperty("stdout") STDOUT,
    @JsonProperty("stderr") STDERR,
    @JsonProperty("system") SYSTEM,
    @JsonProperty("pty") PTY;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static LogStream fromWire(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
