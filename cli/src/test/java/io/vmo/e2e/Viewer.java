package io.vmo.e2e;

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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A viewer of one job over a plain blocking socket (RFC 6455, binary output frames): it reads on a thread of its
 * own and can stop reading for a while, so that TCP back-pressure reaches the daemon as with a real slow client.
 * Small socket buffers make that happen after a few hundred KB instead of megabytes. It checks that seqs come once
 * and in order, digests the stdout bytes, and records the largest lag between an event's read by the daemon and
 * its receipt here (for events read after the viewer joined: older ones are history).
 */
final class Viewer implements AutoCloseable {

    private final Codec codec = new Codec();
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final MessageDigest digest;
    private volatile long pauseUntilNanos;
    private long expectedSeq = 1;
    private volatile long bytes;
    private volatile long maxLagMillis;
    private volatile String problem;
    private volatile Response.JobDone done;
    private final CompletableFuture<Viewer> finished = new CompletableFuture<>();
    /** Events read by the daemon before this are replayed history: their age is not lag. */
    private final Instant joinedAt = Instant.now();

    private Viewer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        this.out = socket.getOutputStream();
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connects and joins the job from its first event; reading starts at once on a thread of its own. */
    static Viewer join(TestDaemon daemon, String jobId) throws IOException {
        String address = daemon.address();
        int colon = address.lastIndexOf(':');
        Socket socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(
                new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                5000);
        Viewer viewer = new Viewer(socket);
        viewer.upgrade(address, daemon.token());
        viewer.send(new Request.JoinJob("j1", jobId, 0L));
        Thread.ofPlatform().daemon().name("viewer").start(viewer::read);
        return viewer;
    }

    /** From now on this viewer reads nothing for {@code millis}. */
    void pause(long millis) {
        pauseUntilNanos = System.nanoTime() + millis * 1_000_000;
    }

    CompletableFuture<Viewer> finished() {
        return finished;
    }

    long bytes() {
        return bytes;
    }

    long maxLagMillis() {
        return maxLagMillis;
    }

    /** What went wrong (dropped, a gap, a duplicate), or null. */
    String problem() {
        return problem;
    }

    Response.JobDone done() {
        return done;
    }

    String sha256() {
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    private void read() {
        try {
            while (done == null) {
                long wait = pauseUntilNanos - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000 + 1);
                    continue;
                }
                Response message = next();
                if (message instanceof Response.JobLog log) {
                    if (log.seq() != expectedSeq) {
                        problem = "got seq " + log.seq() + " where " + expectedSeq + " was due";
                        break;
                    }
                    expectedSeq++;
                    if (log.stream() == io.vmo.protocol.LogStream.STDOUT) {
                        digest.update(log.data());
                        bytes += log.data().length;
                    }
                    long lag =
                            java.time.Duration.between(log.ts(), Instant.now()).toMillis();
                    if (log.ts().isAfter(joinedAt) && lag > maxLagMillis) {
                        maxLagMillis = lag;
                    }
                } else if (message instanceof Response.JobDone end) {
                    done = end;
                } else if (message instanceof Response.ErrorReply error) {
                    problem = "error: " + error.message();
                    break;
                }
            }
        } catch (Exception e) {
            problem = "the connection ended before job:done: " + e;
        }
        finished.complete(this);
    }

    private Response next() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int opcode = -1;
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            int op = b0 & 0x0f;
            if (op == 0x8) {
                throw new EOFException("closed by the daemon: "
                        + (payload.length > 2
                                ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)
                                : ""));
            }
            if (op == 0x9 || op == 0xA) {
                // The daemon's liveness ping, after 30 s without a word from this viewer (it takes data, so it
                // counts as alive without a pong). A control frame may come between a message's fragments.
                continue;
            }
            if (op != 0) {
                opcode = op;
            }
            message.writeBytes(payload);
            if ((b0 & 0x80) != 0) {
                break;
            }
        }
        byte[] data = message.toByteArray();
        return opcode == 0x2
                ? LogFrame.decode(ByteBuffer.wrap(data))
                : (Response) codec.decode(new String(data, StandardCharsets.UTF_8));
    }

    private void upgrade(String address, String token) throws IOException {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        out.write(("GET /ws HTTP/1.1\r\nHost: " + address + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                        + "\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Protocol: " + LogFrame.SUBPROTOCOL + "\r\nAuthorization: Bearer " + token
                        + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the upgrade: " + headers);
            }
            headers.append((char) b);
        }
        if (!headers.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException(
                    "upgrade refused: " + headers.toString().lines().findFirst().orElse(""));
        }
    }

    private void send(Request request) throws IOException {
        byte[] payload = codec.encodeBytes(request);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
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
