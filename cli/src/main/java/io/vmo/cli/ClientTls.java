package io.vmo.cli;

import io.vmo.protocol.Fingerprint;
import io.vmo.protocol.Locations;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The CLI's side of TLS, for {@code --daemon https://…} only: nothing of {@code javax.net.ssl} is loaded for a plain
 * loopback daemon (a client command's start-up is most of its cost). How the daemon's certificate is trusted:
 * <ol>
 * <li>with {@code --ca FILE}: it must chain to a certificate of that file, and name the host;</li>
 * <li>else if it chains to the system's trust store: it must name the host;</li>
 * <li>else if it is self-signed: it must be the one pinned for this {@code host:port} in {@link KnownDaemons}, or
 *     nothing is pinned yet and it is pinned now (trust on first use, said on stderr). A pin is the exact
 *     certificate, stronger than any name, so the host name is not checked against it — the name a user typed
 *     for a self-signed daemon (an address, a short name) need not be among those it was made for;</li>
 * <li>else (signed by a CA this machine does not know) it is refused, saying to give {@code --ca}.</li>
 * </ol>
 */
final class ClientTls implements WebSocketConnection.Layer {

    /** Why the daemon's certificate was refused, in words a user can act on. */
    static final class Untrusted extends CertificateException {
        Untrusted(String message) {
            super(message);
        }
    }

    private final DaemonAddress address;
    private final SSLContext context;

    private ClientTls(DaemonAddress address, SSLContext context) {
        this.address = address;
        this.context = context;
    }

    /**
     * @param ca the CA certificates (PEM) to trust instead of the system's, or null
     * @param pins the known_daemons file
     * @param notices where the first-use pin is said (stderr); null: nothing is pinned
     */
    static ClientTls of(DaemonAddress address, Path ca, KnownDaemons pins, Consumer<String> notices) {
        try {
            var trust = new Trust(address, ca, pins, notices);
            if (ca != null) {
                trust.chains = trustManagerOrThrow(ca); // a --ca file that cannot be read is said at once
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return new ClientTls(address, context);
        } catch (GeneralSecurityException e) {
            throw new CliException("cannot set up TLS: " + e.getMessage());
        }
    }

    /**
     * For the daemon at {@code address}: pins in the user's known_daemons, the first-use notice on stderr. Without
     * {@code mayPin} (shell completion, whose stderr nobody sees) a daemon not pinned yet is refused, not pinned.
     */
    static ClientTls forDaemon(DaemonAddress address, Path ca, boolean mayPin) {
        return of(
                address,
                ca,
                new KnownDaemons(Locations.fromEnvironment().knownDaemons()),
                mayPin ? System.err::println : null);
    }

    /** For java.net.http (vmo ui): its engine gets the same trust. */
    SSLContext context() {
        return context;
    }

    @Override
    public Socket over(Socket connected) throws IOException {
        var socket =
                (SSLSocket) context.getSocketFactory().createSocket(connected, address.host(), address.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the name check, done by Trust with the JDK's rules
        socket.setSSLParameters(parameters);
        try {
            socket.startHandshake();
        } catch (SSLException e) {
            socket.close();
            throw new WebSocketConnection.LayerRefused(explain(e));
        }
        return socket;
    }

    /** Whether java.net.http's failure was TLS's (a handshake refused), which {@link #explain} words. */
    static boolean isTlsFailure(IOException e) {
        return e instanceof SSLException;
    }

    /** A failed handshake in words: the trust decision's own, or the TLS failure's. */
    String explain(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Untrusted untrusted) {
                return untrusted.getMessage();
            }
        }
        return "the TLS handshake with the daemon at " + address.url() + " failed (" + e.getMessage() + "); if it"
                + " serves plain HTTP, give --daemon " + address.authority() + " without https://";
    }

    private static X509ExtendedTrustManager trustManager(Path ca) throws CertificateException {
        try {
            return trustManagerOrThrow(ca);
        } catch (GeneralSecurityException e) {
            throw new Untrusted("cannot set up TLS trust: " + e.getMessage());
        }
    }

    private static X509ExtendedTrustManager trustManagerOrThrow(Path ca) throws GeneralSecurityException {
        KeyStore store = null;
        if (ca != null) {
            store = KeyStore.getInstance(KeyStore.getDefaultType());
            try {
                store.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException(e);
            }
            int i = 0;
            for (Certificate certificate : readCertificates(ca)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store); // null: the system's trust store
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    private static Collection<? extends Certificate> readCertificates(Path ca) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(ca)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new CliException("no certificate in " + ca + " (--ca needs PEM)");
            }
            return certificates;
        } catch (NoSuchFileException e) {
            throw new CliException("no CA certificate at " + ca + " (--ca FILE, env VMO_CA)");
        } catch (IOException | CertificateException e) {
            throw new CliException("cannot read the CA certificate " + ca + " (PEM expected): " + e.getMessage());
        }
    }

    /** The decision above, for a socket (WebSocket) or an engine (java.net.http). */
    private static final class Trust extends X509ExtendedTrustManager {
        private final DaemonAddress address;
        private final Path ca;
        /** The CAs' trust manager, made when first needed: a pinned daemon never loads the system's store. */
        private X509ExtendedTrustManager chains;

        private final KnownDaemons pins;
        private final Consumer<String> notices;

        Trust(DaemonAddress address, Path ca, KnownDaemons pins, Consumer<String> notices) {
            this.address = address;
            this.ca = ca;
            this.pins = pins;
            this.notices = notices;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            if (trustedChain(chain, authType)) {
                try {
                    chains().checkServerTrusted(chain, authType, socket); // again, now with the name
                } catch (CertificateException e) {
                    throw wrongName(chain[0]);
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            if (trustedChain(chain, authType)) {
                try {
                    chains().checkServerTrusted(chain, authType, engine);
                } catch (CertificateException e) {
                    throw wrongName(chain[0]);
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("the host is needed to check its name");
        }

        /**
         * Whether the chain is a CA's (its name still to check); false when it is a pinned self-signed certificate,
         * which needs no name. Throws when it is neither.
         */
        private boolean trustedChain(X509Certificate[] chain, String authType) throws CertificateException {
            if (ca == null && selfSigned(chain) && isPinned(chain[0])) {
                return false; // the one certificate accepted for this host:port: no store to load and search
            }
            try {
                chains().checkServerTrusted(chain, authType); // the chain only: no name without a socket
                return true;
            } catch (CertificateException untrusted) {
                if (ca != null) {
                    throw new Untrusted("the daemon at " + address.url() + " has a certificate not signed by the CA"
                            + " in " + ca + " (" + untrusted.getMessage() + ")");
                }
                if (!selfSigned(chain)) {
                    throw new Untrusted("the daemon at " + address.url() + " has a certificate signed by a CA this"
                            + " machine does not trust (" + untrusted.getMessage() + "); give that CA's certificate"
                            + " with --ca FILE (env VMO_CA)");
                }
            }
            pinned(chain[0]);
            return false;
        }

        private X509ExtendedTrustManager chains() throws CertificateException {
            if (chains == null) {
                chains = trustManager(ca);
            }
            return chains;
        }

        private boolean isPinned(X509Certificate certificate) throws CertificateException {
            try {
                KnownDaemons.Pin pin = pins.find(address.pinKey());
                return pin != null && pin.fingerprint().equals(Fingerprint.sha256(certificate.getEncoded()));
            } catch (IOException e) {
                return false; // said by pinned() below
            }
        }

        private void pinned(X509Certificate certificate) throws CertificateException {
            String presented = Fingerprint.sha256(certificate.getEncoded());
            String key = address.pinKey();
            try {
                KnownDaemons.Pin pin = pins.find(key);
                if (pin == null && notices == null) {
                    throw new Untrusted("the daemon at " + address.url() + " has a self-signed certificate not pinned"
                            + " yet: run a vmo command (e.g. vmo jobs) to pin it");
                } else if (pin == null) {
                    pins.pin(key, presented);
                    notices.accept("vmo: the daemon at " + address.url() + " has a self-signed certificate, "
                            + presented + "; pinned it for " + key + " in " + pins.file() + " (trust on first use:"
                            + " compare it with the `TLS:` line `vmo daemon` printed). Any other certificate there"
                            + " will be refused.");
                } else if (!pin.fingerprint().equals(presented)) {
                    throw new Untrusted("the daemon at " + address.url() + " presents a certificate other than the"
                            + " one pinned for it: pinned " + pin.fingerprint() + " (" + pins.file() + ", line "
                            + pin.line() + "), presented " + presented + ". Someone may be intercepting the"
                            + " connection, or the daemon's self-signed certificate was made anew. If the `TLS:` line"
                            + " `vmo daemon` printed at its start shows " + presented + ", accept it: delete line "
                            + pin.line() + " of " + pins.file() + " (sed -i '" + pin.line() + "d' " + pins.file()
                            + ") and connect again");
                }
            } catch (IOException e) {
                throw new Untrusted("cannot read or write " + pins.file() + ", where vmo pins self-signed daemon"
                        + " certificates: " + e.getMessage());
            }
        }

        private Untrusted wrongName(X509Certificate certificate) {
            List<String> names = new ArrayList<>();
            try {
                Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
                if (alternatives != null) {
                    for (List<?> entry : alternatives) {
                        if (entry.get(1) instanceof String name) {
                            names.add(name);
                        }
                    }
                }
            } catch (CertificateException e) {
                // named as none
            }
            return new Untrusted("the daemon's certificate does not cover " + address.host() + " (it is for "
                    + (names.isEmpty() ? "no host name" : String.join(", ", names)) + "): connect to it by one of"
                    + " its names, --daemon https://NAME:" + address.port());
        }

        private static boolean selfSigned(X509Certificate[] chain) {
            X509Certificate only = chain[0];
            if (chain.length != 1 || !only.getSubjectX500Principal().equals(only.getIssuerX500Principal())) {
                return false;
            }
            try {
                only.verify(only.getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                return false;
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("a client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("a client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0]; // asked of a server's trust manager; a client sends no certificate
        }
    }
}
