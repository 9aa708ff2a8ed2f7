package io.vmo.daemon.tls;

import java.nio.file.Path;

/**
 * How the daemon serves: plain HTTP (loopback only), TLS with the operator's certificate and key, or TLS with a
 * certificate it makes once and keeps ({@code vmo daemon --tls self-signed}). Built from the options, checked before
 * anything starts.
 *
 * @param certificate PEM certificate chain (the server's first), or null
 * @param key PEM private key, or null
 * @param selfSigned whether the daemon's own self-signed certificate is used
 */
public record TlsSetup(Path certificate, Path key, boolean selfSigned) {

    public static final String SELF_SIGNED = "self-signed";

    public static final TlsSetup NONE = new TlsSetup(null, null, false);

    /**
     * From {@code --tls MODE}, {@code --tls-cert FILE} and {@code --tls-key FILE}.
     *
     * @throws IllegalArgumentException when they do not make one setup, saying which to give
     */
    public static TlsSetup of(String mode, Path certificate, Path key) {
        if (mode != null && !mode.isBlank() && !mode.equals(SELF_SIGNED)) {
            throw new IllegalArgumentException("--tls \"" + mode + "\": the one mode is --tls " + SELF_SIGNED
                    + "; for a certificate of your own give --tls-cert FILE --tls-key FILE instead");
        }
        boolean self = mode != null && mode.equals(SELF_SIGNED);
        if (self && (certificate != null || key != null)) {
            throw new IllegalArgumentException("--tls " + SELF_SIGNED
                    + " makes its own certificate: give it, or --tls-cert FILE --tls-key FILE," + " not both");
        }
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("--tls-cert FILE and --tls-key FILE go together: the certificate"
                    + " (PEM, the chain with the server's first) and its private key (PEM)");
        }
        return certificate == null && !self ? NONE : new TlsSetup(certificate, key, self);
    }

    public boolean enabled() {
        return selfSigned || certificate != null;
    }
}
