package io.vmo.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain TCP connection to the daemon that sends exactly the bytes a test chooses — half a request, a header a
 * byte at a time, a WebSocket handshake and frames of any shape, malformed ones included — and reads what comes
 * back as bytes. ({@link RawSocket} speaks through java.net.http, which only ever sends well-formed frames.)
 */
final class WireSocket implements AutoCloseable {

    /** How reading to the end went: {@code how} is "eof", "reset" or "open" (still open at the limit). */
    record End(String how, long bytes, double atSeconds, String start) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long openedNanos;
    private final String host;

    private WireSocket(Socket socket, String host) throws IOException {
        this.socket = socket;
        this.host = host;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.openedNanos = System.nanoTime();
    }

    /** Connects to {@code address} (host:port). */
    static WireSocket open(String address) throws IOException {
        return open(address, null);
    }

    /**
     * Connects from {@code localAddress}, e.g. 127.0.0.2: every 127/8 address is loopback, yet to the daemon it
     * is another peer than 127.0.0.1.
     */
    static WireSocket open(String address, String localAddress) throws IOException {
        int colon = address.lastIndexOf(':');
        Socket socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        int port = Integer.parseInt(address.substring(colon + 1));
        socket.connect(new InetSocketAddress(address.substring(0, colon), port), 5_000);
        socket.setTcpNoDelay(true);
        return new WireSocket(socket, address);
    }

    int localPort() {
        return socket.getLocalPort();
    }

    /** Seconds since the connection was opened. */
    double age() {
        return (System.nanoTime() - openedNanos) / 1e9;
    }

    WireSocket write(String ascii) throws IOException {
        return write(ascii.getBytes(StandardCharsets.UTF_8));
    }

    WireSocket write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Opens the WebSocket: the upgrade request with the token, then reads the 101 answer's head. */
    WireSocket upgrade(String token) throws IOException {
        write("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n");
        String head = readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new AssertionError("the upgrade was refused: " + head);
        }
        return this;
    }

    /** An HTTP answer's head, up to the blank line. */
    String readHead() throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the connection ended inside an answer's head: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * One frame: {@code first} is its first byte (FIN, RSV bits, opcode), the payload is masked with a random key
     * as a client's must be — unless {@code masked} is false.
     */
    WireSocket frame(int first, byte[] payload, boolean masked) throws IOException {
        var frame = new ByteArrayOutputStream();
        frame.write(first);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] key = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(key);
            frame.write(key, 0, 4);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ key[i & 3]);
        }
        return write(frame.toByteArray());
    }

    /** A message, as one text frame. */
    WireSocket text(String json) throws IOException {
        return frame(0x81, json.getBytes(StandardCharsets.UTF_8), true);
    }

    /** An unsolicited pong: the heartbeat RFC 6455 allows a client. */
    WireSocket pong() throws IOException {
        return frame(0x8A, new byte[0], true);
    }

    /**
     * Reads until what arrived holds {@code marker}; returns what arrived (as ISO-8859-1 text, its last 64 KiB)
     * — or fails after {@code timeout}.
     */
    String readUntil(String marker, Duration timeout) throws IOException {
        return readUntil(Pattern.compile(Pattern.quote(marker)), timeout).group();
    }

    /** As {@link #readUntil(String, Duration)}, for a pattern: the match, its groups. */
    Matcher readUntil(Pattern marker, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        var seen = new StringBuilder();
        byte[] buffer = new byte[16 << 10];
        Matcher found;
        while (!(found = marker.matcher(seen)).find()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + marker + " within " + timeout + "; got: " + abbreviate(seen));
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int n = in.read(buffer);
            if (n < 0) {
                throw new AssertionError("the connection ended before " + marker + "; got: " + abbreviate(seen));
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            if (seen.length() > 64 << 10) {
                seen.delete(0, seen.length() - (64 << 10)); // keep the tail, where the marker will be
            }
        }
        return found;
    }

    /** Reads at most {@code max} bytes, waiting at most {@code timeout}; -1 at the end, 0 if nothing came. */
    int readSome(int max, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            return in.read(new byte[max]);
        } catch (SocketTimeoutException e) {
            return 0;
        }
    }

    /**
     * Reads (and drops) everything until the daemon ends the connection or {@code limit} passes: how it ended,
     * how much came, when (seconds since the connection opened), and its first 512 bytes.
     */
    End readToEnd(Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        var start = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 << 10];
        long bytes = 0;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new End("open", bytes, age(), start.toString(StandardCharsets.ISO_8859_1));
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (SocketException e) {
                return new End("reset", bytes, age(), start.toString(StandardCharsets.ISO_8859_1));
            }
            if (n < 0) {
                return new End("eof", bytes, age(), start.toString(StandardCharsets.ISO_8859_1));
            }
            if (start.size() < 512) {
                start.write(buffer, 0, Math.min(n, 512 - start.size()));
            }
            bytes += n;
        }
    }

    private static String abbreviate(CharSequence s) {
        return s.length() > 500 ? s.subSequence(0, 500) + "…" : s.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
