package io.vmo.protocol;

/** An enum's name on the wire: the JSON text {@link Codec} writes for a constant and reads back. */
public interface WireName {

    String wireName();
}
