package io.vmo.daemon.web;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request's {@code Host}: exactly one such header, holding exactly {@code host[:port]} (RFC 9112 §3.2, the
 * grammar of RFC 3986 §3.2.2–3). Anything else is refused before any other check reads the header, so the checks
 * that do — is this our name, is the {@code Origin} ours, which port's session cookie — all read the one value
 * validated here, never a different part of an ambiguous header ({@code 127.0.0.1:7777 evil.example}) or another
 * header of the same name.
 *
 * @param host the host as sent, lower-cased: a name, an IPv4 address, or an IPv6 literal in brackets
 * @param port the port, or -1 when the header names none
 */
record HostHeader(String host, int port) {

    /** reg-name or IPv4address (both: unreserved, pct-encoded, sub-delims), or an IPv6 literal; then the port. */
    private static final Pattern AUTHORITY =
            Pattern.compile("((?:[a-z0-9._~!$&'()*+,;=-]|%[0-9a-f]{2})*|\\[[0-9a-f:.]+])(?::([0-9]{1,5}))?");

    /** The one Host header of a request; a missing, repeated or malformed one is a {@code bad-request}. */
    static HostHeader of(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.HOST);
        if (values.size() != 1) {
            throw new VmoException(
                    ErrorCode.BAD_REQUEST,
                    (values.isEmpty()
                                    ? "the request has no Host header"
                                    : "the request has " + values.size() + " Host headers")
                            + "; send exactly one, naming the"
                            + " daemon as host[:port] (RFC 9112 §3.2)");
        }
        return parse(values.getFirst());
    }

    static HostHeader parse(String value) {
        Matcher m = AUTHORITY.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches() || !validIpLiteral(m.group(1))) {
            throw new VmoException(
                    ErrorCode.BAD_REQUEST,
                    "the Host header \"" + printable(value) + "\" is not"
                            + " host[:port]; send only the daemon's address, e.g. Host: 127.0.0.1:7777 (RFC 9112 §3.2)");
        }
        int port = m.group(2) == null ? -1 : Integer.parseInt(m.group(2));
        if (port > 65535) {
            throw new VmoException(ErrorCode.BAD_REQUEST, "the Host header's port " + port + " is over 65535");
        }
        return new HostHeader(m.group(1), port);
    }

    /** host[:port], as the request named it (lower-cased). */
    String text() {
        return port < 0 ? host : host + ":" + port;
    }

    /** A bracketed host must be an IPv6 address: the JDK parses a bracketed literal without any name lookup. */
    private static boolean validIpLiteral(String host) {
        if (!host.startsWith("[")) {
            return true;
        }
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The header as it may be echoed in a message: no control characters, and not too long. */
    private static String printable(String value) {
        String shown = value.replaceAll("\\p{Cntrl}", "?");
        return shown.length() > 100 ? shown.substring(0, 100) + "…" : shown;
    }
}
