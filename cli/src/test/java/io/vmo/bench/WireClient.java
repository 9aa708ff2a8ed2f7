package io.vmo.bench;

import io.vmo.protocol.Codec;
import io.vmo.protocol.LogFrame;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The least a WebSocket client can be (RFC 6455 over a blocking socket, one reader, no extra threads or queues), to
 * tell the daemon's share of latency and CPU from a client library's. Opened with {@link #connect(String, String,
 * boolean)} and {@code binary} true it asks for the subprotocol {@code vmo.v1.bytes} and is sent output as binary
 * {@code job:log} frames ({@link LogFrame}); {@link #nextFrame()} hands those over undecoded. Since nothing reads
 * its socket but the caller, a caller that stops calling stops reading: TCP back-pressure reaches the daemon.
 */
final class WireClient implements Link {

    private final Codec codec = new Codec();
    private final AtomicLong ids = new AtomicLong();
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private long receivedAt;
    private byte[] scratch = new byte[128 << 10];

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 256 * 1024));
        this.out = socket.getOutputStream();
    }

    /** A whole message: its opcode (1 text, 2 binary) and payload {@code data[0, length)}, fragments joined. */
    record Frame(int opcode, byte[] data, int length) {

        byte[] payload() {
            return data.length == length ? data : java.util.Arrays.copyOf(data, length);
        }
    }

    static WireClient connect(String address, String token) throws IOException {
        return connect(address, token, false);
    }

    /** With {@code binary}, asks for {@link LogFrame#SUBPROTOCOL}: output as binary frames of the exact bytes. */
    static WireClient connect(String address, String token, boolean binary) throws IOException {
        int colon = address.lastIndexOf(':');
        var socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(
                new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                5000);
        WireClient client = new WireClient(socket);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String upgrade = "GET /ws HTTP/1.1\r\nHost: " + address + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + token + "\r\n"
                + (binary ? "Sec-WebSocket-Protocol: " + LogFrame.SUBPROTOCOL + "\r\n" : "") + "\r\n";
        client.out.write(upgrade.getBytes(StandardCharsets.US_ASCII));
        client.out.flush();
        var headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = client.in.read();
            if (b < 0) {
                throw new EOFException("the daemon closed the connection during the upgrade: " + headers);
            }
            headers.append((char) b);
        }
        if (!headers.toString().startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("WebSocket upgrade refused: "
                    + headers.toString().lines().findFirst().orElse(""));
        }
        if (binary && !headers.toString().toLowerCase(java.util.Locale.ROOT).contains(LogFrame.SUBPROTOCOL)) {
            socket.close();
            throw new IOException("the daemon did not accept the subprotocol " + LogFrame.SUBPROTOCOL);
        }
        return client;
    }

    @Override
    public String nextId() {
        return "w" + ids.incrementAndGet();
    }

    @Override
    public synchronized void send(Request request) {
        byte[] payload = codec.encodeBytes(request);
        var frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x81); // FIN, text
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        try {
            out.write(frame.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Response next() {
        Frame frame = nextFrame();
        return frame.opcode() == 0x2
                ? LogFrame.decode(ByteBuffer.wrap(frame.payload()))
                : (Response) codec.decode(new String(frame.payload(), StandardCharsets.UTF_8));
    }

    /**
     * The next whole message, undecoded; blocks (up to the {@link #readTimeout(int) read timeout}). A close frame
     * throws an IllegalStateException naming its status and reason; a closed or reset socket an
     * UncheckedIOException.
     */
    Frame nextFrame() {
        Frame f = nextFrameShared();
        // Always a copy: a message that fills the shared array exactly would otherwise be that array.
        return new Frame(f.opcode(), java.util.Arrays.copyOf(f.data(), f.length()), f.length());
    }

    /**
     * As {@link #nextFrame}, in an array of this client's that the next call reuses: 200 viewers of a 50 MB job
     * allocated 10 GB of payload arrays, and the benchmark's garbage collection took a fifth of the machine's CPU
     * while the job ran.
     */
    Frame nextFrameShared() {
        try {
            int length = 0;
            int opcode = 0;
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                int op = b0 & 0x0f;
                long frameLength = b1 & 0x7f;
                if (frameLength == 126) {
                    frameLength = in.readUnsignedShort();
                } else if (frameLength == 127) {
                    frameLength = in.readLong();
                }
                if ((b1 & 0x80) != 0) {
                    in.readInt(); // servers do not mask; skip a mask anyway
                }
                int size = Math.toIntExact(frameLength);
                if (length + size > scratch.length) {
                    scratch = java.util.Arrays.copyOf(scratch, Math.max(scratch.length * 2, length + size));
                }
                in.readFully(scratch, length, size);
                if (op == 0x8) {
                    byte[] payload = java.util.Arrays.copyOfRange(scratch, length, length + size);
                    int status = payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : 1005;
                    throw new IllegalStateException("the daemon closed the connection (" + status + "): "
                            + (payload.length > 2
                                    ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)
                                    : ""));
                }
                if (op == 0x9 || op == 0xA) {
                    continue; // the daemon's liveness ping after 30 s of silence: taking data counts as alive
                }
                if (op != 0) {
                    opcode = op;
                }
                length += size;
                if ((b0 & 0x80) != 0) {
                    break;
                }
            }
            receivedAt = Watched.epochNanos();
            return new Frame(opcode, scratch, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How long a read may block before it throws (a SocketTimeoutException, wrapped); 0 means forever. */
    void readTimeout(int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long receivedAt() {
        return receivedAt;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
