package io.vmo.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client (RFC 6455) over a blocking socket — plain for {@code ws://} on loopback, or through a
 * {@link Layer} (TLS, {@code wss://}): the handshake, masked
 * frames out, messages in (continuation frames joined), pings answered. java.net.http's client, which the CLI used
 * before, loads its HTTP/2, TLS and reactive classes even for a plain loopback connection and hands every part of a
 * message from its selector thread to another: the CLI's client added 1.5–2 ms to the p99 of the daemon's
 * live output over a minimal socket client (bench, latency phase), and `vmo jobs` loaded ~470 classes of
 * {@code java.net.http} and TLS. Reading is for one thread; sending is thread-safe.
 */
final class WebSocketConnection implements AutoCloseable {

    /** What a complete message from the peer is. */
    sealed interface Incoming permits Text, Binary, Close {}

    record Text(String text) implements Incoming {}

    record Binary(byte[] data) implements Incoming {}

    /** The peer's close frame: {@code code} 1005 when it gave none. */
    record Close(int code, String reason) implements Incoming {}

    /** The server answered the upgrade with something other than 101. */
    static final class Refused extends IOException {
        final int status;
        final String body;

        Refused(int status, String body) {
            super("HTTP " + status);
            this.status = status;
            this.body = body;
        }
    }

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int OP_PONG = 0xA;
    /** The daemon's frames are at most 16 MiB; a message beyond this is not the daemon's. */
    static final int MAX_MESSAGE_BYTES = 64 << 20;

    private static final int MAX_HEAD_BYTES = 16 << 10;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final byte[] header = new byte[14];

    private WebSocketConnection(Socket socket, DataInputStream in, OutputStream out) {
        this.socket = socket;
        this.in = in;
        this.out = out;
    }

    /**
     * What goes between the TCP connection and the WebSocket: TLS ({@link ClientTls}) for an https:// daemon, nothing
     * for a plain one. An interface so that a plain connection loads none of TLS's classes.
     */
    interface Layer {
        /** The connection to speak over instead, its handshake done; {@link LayerRefused} when it failed. */
        Socket over(Socket connected) throws IOException;
    }

    /** The layer's handshake failed: the message says why (an untrusted or changed certificate, …). */
    static final class LayerRefused extends IOException {
        LayerRefused(String message) {
            super(message);
        }
    }

    /** The server took the connection but did not answer the upgrade in time (a stopped or frozen daemon). */
    static final class NoAnswer extends IOException {
        NoAnswer(Duration timeout) {
            super("no answer to the WebSocket upgrade within " + timeout.toSeconds() + " s");
        }
    }

    /**
     * Connects to {@code host:port} and upgrades {@code path}, asking for {@code subprotocol}, with these extra
     * request headers; {@code timeout} bounds the connecting and, separately, the wait for the server's answer (a
     * daemon stopped with ^Z still has its connections accepted by the kernel, and would otherwise be waited for
     * forever). Throws {@link Refused} when the server answers with another status, {@link NoAnswer} when it does
     * not answer.
     */
    static WebSocketConnection open(
            InetSocketAddress address,
            Layer layer,
            String hostHeader,
            String path,
            String subprotocol,
            Map<String, String> headers,
            Duration timeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            if (layer != null) {
                try {
                    socket = layer.over(socket);
                } catch (SocketTimeoutException e) {
                    throw new NoAnswer(timeout);
                }
            }
            var in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 << 10));
            var out = new BufferedOutputStream(socket.getOutputStream(), 8 << 10);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            StringBuilder request = new StringBuilder("GET ")
                    .append(path)
                    .append(" HTTP/1.1\r\n")
                    .append("Host: ")
                    .append(hostHeader)
                    .append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ")
                    .append(key)
                    .append("\r\n")
                    .append("Sec-WebSocket-Version: 13\r\n")
                    .append("Sec-WebSocket-Protocol: ")
                    .append(subprotocol)
                    .append("\r\n");
            headers.forEach((name, value) ->
                    request.append(name).append(": ").append(value).append("\r\n"));
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Map<String, String> response = new LinkedHashMap<>();
            int status;
            try {
                status = readHead(in, response);
            } catch (SocketTimeoutException e) {
                throw new NoAnswer(timeout);
            }
            if (status != 101) {
                throw new Refused(status, readBody(in, response));
            }
            if (!accept(key).equals(response.get("sec-websocket-accept"))) {
                throw new IOException("the server's handshake does not answer this client's key");
            }
            socket.setSoTimeout(0); // from here on, silence is the daemon's right: a job may print nothing for hours
            return new WebSocketConnection(socket, in, out);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The status, with each header (names in lower case) put into {@code headers}. */
    private static int readHead(DataInputStream in, Map<String, String> headers) throws IOException {
        String statusLine = readLine(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + statusLine);
        }
        for (String line; !(line = readLine(in)).isEmpty(); ) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        return status;
    }

    private static String readLine(DataInputStream in) throws IOException {
        var line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("the connection closed during the handshake");
            }
            if (line.size() >= MAX_HEAD_BYTES) {
                throw new IOException("the server's handshake is too long");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** A refusal's body, as far as its Content-Length says (the daemon's error JSON), or "". */
    private static String readBody(DataInputStream in, Map<String, String> headers) throws IOException {
        try {
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = new byte[Math.min(Math.max(length, 0), MAX_HEAD_BYTES)];
            in.readFully(body);
            return new String(body, StandardCharsets.UTF_8);
        } catch (NumberFormatException | EOFException e) {
            return "";
        }
    }

    /** The {@code Sec-WebSocket-Accept} that answers {@code key} (RFC 6455 §4.2.2). */
    static String accept(String key) {
        return Base64.getEncoder().encodeToString(Sha1.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * The next complete message. Pings are answered on the way and pongs skipped. Blocks; throws on a broken
     * connection or a frame that breaks the protocol.
     */
    Incoming read() throws IOException {
        ByteArrayOutputStream fragments = null;
        int messageOpcode = -1;
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            if ((b1 & 0x80) != 0) {
                throw new IOException("the server sent a masked frame");
            }
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if (length < 0
                    || length > MAX_MESSAGE_BYTES
                    || (fragments != null && fragments.size() + length > MAX_MESSAGE_BYTES)) {
                throw new IOException("the server sent a message of more than " + MAX_MESSAGE_BYTES + " bytes");
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            switch (opcode) {
                case OP_PING -> sendFrame(OP_PONG, payload);
                case OP_PONG -> {}
                case OP_CLOSE -> {
                    int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                    String reason = payload.length > 2
                            ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)
                            : "";
                    return new Close(code, reason);
                }
                case OP_TEXT, OP_BINARY -> {
                    if (fragments != null) {
                        throw new IOException("the server began a message inside another");
                    }
                    if (fin) {
                        return message(opcode, payload);
                    }
                    messageOpcode = opcode;
                    fragments = new ByteArrayOutputStream();
                    fragments.write(payload);
                }
                case OP_CONTINUATION -> {
                    if (fragments == null) {
                        throw new IOException("the server continued a message it had not begun");
                    }
                    fragments.write(payload);
                    if (fin) {
                        return message(messageOpcode, fragments.toByteArray());
                    }
                }
                default -> throw new IOException("the server sent a frame of unknown opcode " + opcode);
            }
        }
    }

    private static Incoming message(int opcode, byte[] payload) {
        return opcode == OP_TEXT ? new Text(new String(payload, StandardCharsets.UTF_8)) : new Binary(payload);
    }

    void sendText(String text) throws IOException {
        sendFrame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** An unsolicited pong: a heartbeat (RFC 6455 §5.5.3). */
    void sendPong() throws IOException {
        sendFrame(OP_PONG, new byte[0]);
    }

    void sendClose(int code, String reason) throws IOException {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        sendFrame(OP_CLOSE, payload);
    }

    /** One frame, whole, masked as a client's must be; frames from several threads never interleave. */
    private synchronized void sendFrame(int opcode, byte[] payload) throws IOException {
        int n = 0;
        header[n++] = (byte) (0x80 | opcode);
        if (payload.length < 126) {
            header[n++] = (byte) (0x80 | payload.length);
        } else if (payload.length <= 0xFFFF) {
            header[n++] = (byte) (0x80 | 126);
            header[n++] = (byte) (payload.length >> 8);
            header[n++] = (byte) payload.length;
        } else {
            header[n++] = (byte) (0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                header[n++] = (byte) ((long) payload.length >> shift);
            }
        }
        // The mask only keeps proxies from mistaking frames for HTTP (RFC 6455 §10.3); on loopback nobody is
        // between, so a non-cryptographic random serves.
        int mask = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < 4; i++) {
            header[n++] = (byte) (mask >> (24 - 8 * i));
        }
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ header[n - 4 + (i & 3)]);
        }
        out.write(header, 0, n);
        out.write(masked);
        out.flush();
    }

    /** Closes the socket: a blocked {@link #read} then throws. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
