package io.vmo.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum JobStatus {
    @JsonProperty("running")
    RUNNING,
    @JsonProperty("success")
    SUCCESS,
    @JsonProperty("failed")
    FAILED,
    @JsonProperty("canceled")
    CANCELED,
    /** The daemon stopped while the job ran; its output up to then is kept. */
    @JsonProperty("lost")
    LOST;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static JobStatus fromWire(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
