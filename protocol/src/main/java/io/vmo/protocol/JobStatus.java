package io.vmo.protocol;

public enum JobStatus implements WireName {
    RUNNING,
    SUCCESS,
    FAILED,
    CANCELED,
    /** The daemon stopped while the job ran; its output up to then is kept. */
    LOST;

    @Override
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static JobStatus fromWire(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
