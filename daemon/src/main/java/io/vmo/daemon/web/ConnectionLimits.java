package io.vmo.daemon.web;

import java.time.Duration;

/**
 * What one connection may take of the daemon; {@code vmo daemon}'s options set them (the defaults and why are
 * there and in docs/architecture.md, "Connections").
 *
 * @param maxPerPeer connections one peer address may have open at once; loopback counts as one peer
 * @param requestTimeout how long a request (head and body) may take to arrive, from the connection's opening or
 *     from its first byte; answered 408 and closed beyond
 * @param idleTimeout how long an HTTP keep-alive connection may wait for its next request
 * @param pingInterval how long a WebSocket may be silent before the daemon pings it
 * @param pingTimeout how long after a ping the daemon waits for a sign of life before it closes the connection
 */
public record ConnectionLimits(
        int maxPerPeer, Duration requestTimeout, Duration idleTimeout, Duration pingInterval, Duration pingTimeout) {

    public ConnectionLimits {
        if (maxPerPeer < 1) {
            throw new IllegalArgumentException("--max-connections-per-peer must be at least 1");
        }
        for (Duration d : new Duration[] {requestTimeout, idleTimeout, pingInterval, pingTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("--request-timeout, --http-idle-timeout, --ws-ping-interval and"
                        + " --ws-ping-timeout must be more than 0 seconds");
            }
        }
    }

    /** "10 s", "0.5 s": a duration as the daemon's messages and options say it. */
    static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toMillis(), 3)
                        .stripTrailingZeros()
                        .toPlainString() + " s";
    }
}
