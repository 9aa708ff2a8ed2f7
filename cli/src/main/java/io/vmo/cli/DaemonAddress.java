package io.vmo.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where the daemon is, as {@code --daemon} gives it: {@code HOST:PORT} or {@code http://HOST:PORT} (plain, for
 * loopback), {@code https://HOST[:PORT]} (TLS: wss:// and https://; 443 when no port is given).
 *
 * @param host the host to connect to and to verify the certificate against (an IPv6 address without brackets)
 * @param authority {@code host[:port]} as given, for the Host header and messages
 * @param text what was given
 */
record DaemonAddress(boolean secure, String host, int port, String authority, String text) {

    static DaemonAddress parse(String text) {
        String rest = text.strip();
        boolean secure = false;
        boolean scheme = false;
        String lower = rest.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            secure = true;
            scheme = true;
            rest = rest.substring("https://".length());
        } else if (lower.startsWith("http://")) {
            scheme = true;
            rest = rest.substring("http://".length());
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        try {
            URI uri = new URI("ws://" + rest + "/ws");
            int port = uri.getPort() >= 0 ? uri.getPort() : scheme ? (secure ? 443 : 80) : -1;
            if (uri.getHost() == null || port < 0 || !("/ws").equals(uri.getRawPath())) {
                throw new URISyntaxException(text, "not HOST:PORT");
            }
            String host = uri.getHost().startsWith("[")
                    ? uri.getHost().substring(1, uri.getHost().length() - 1)
                    : uri.getHost();
            return new DaemonAddress(secure, host, port, uri.getRawAuthority(), text);
        } catch (URISyntaxException e) {
            throw new CliException("the daemon address " + text + " is not [https://]HOST:PORT (e.g. 127.0.0.1:7777,"
                    + " or https://build-box:7777 for a daemon that serves TLS)");
        }
    }

    /** The daemon's base URL: {@code https://host:port} or {@code http://host:port}. */
    String url() {
        return (secure ? "https://" : "http://") + authority;
    }

    /** What {@code known_daemons} files its pin under: {@code host:port}, the host in lower case. */
    String pinKey() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return h.toLowerCase(Locale.ROOT) + ":" + port;
    }
}
