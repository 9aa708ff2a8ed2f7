package io.vmo.daemon.access;

import java.util.Locale;

/** Which kind of client a request came through, as recorded on jobs. */
public enum ClientKind {
    /** The {@code vmo} command: a WebSocket upgrade with {@code X-Vmo-Client: cli/<version>}. */
    CLI,
    /** The web UI: a browser session cookie. */
    WEB,
    /** Anything else with a bearer token: REST calls, scripts. */
    REST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
