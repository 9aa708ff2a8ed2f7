package io.vmo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.protocol.LogFrame;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Response;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link DaemonClient} and {@link WebSocketConnection} against a peer on a loopback socket that speaks
 * RFC 6455 as the daemon does: the handshake, unmasked frames, large messages in continuation frames, pings, and a
 * close. The peer writes as fast as the socket takes it, so a paused consumer shows whether the client stops
 * reading.
 */
class DaemonClientTest {

    static final String JOB = UUID.randomUUID().toString();
    static final int CHUNK = 64 * 1024;
    static final int PART = 16 * 1024;

    /** A peer that accepts one client and then writes what it is told; it counts the client's pongs. */
    static final class Peer implements AutoCloseable {
        final ServerSocket server;
        Socket socket;
        OutputStream out;
        final AtomicLong written = new AtomicLong();
        final AtomicInteger pongs = new AtomicInteger();

        Peer() throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        }

        /** Accepts and answers the upgrade, then counts the client's frames on a thread of its own. */
        void accept() throws Exception {
            socket = server.accept();
            var in = new DataInputStream(socket.getInputStream());
            String key = null;
            for (String line; !(line = line(in)).isEmpty(); ) {
                if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            String accept = Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-1")
                            .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                    .getBytes(StandardCharsets.US_ASCII)));
            out = socket.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: vmo.v1.bytes\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.ofPlatform().daemon().start(() -> {
                try { // the client's frames: masked, small
                    while (true) {
                        int b0 = in.readUnsignedByte();
                        int length = in.readUnsignedByte() & 0x7F;
                        if (length == 126) {
                            length = in.readUnsignedShort();
                        }
                        in.readFully(new byte[4 + length]);
                        if ((b0 & 0x0F) == 0xA) {
                            pongs.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    // the client went
                }
            });
        }

        private static String line(DataInputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        void frame(boolean fin, int opcode, byte[] payload) throws IOException {
            ByteBuffer head = ByteBuffer.allocate(10);
            head.put((byte) ((fin ? 0x80 : 0) | opcode));
            if (payload.length < 126) {
                head.put((byte) payload.length);
            } else if (payload.length <= 0xFFFF) {
                head.put((byte) 126).putShort((short) payload.length);
            } else {
                head.put((byte) 127).putLong(payload.length);
            }
            out.write(head.array(), 0, head.position());
            out.write(payload);
            written.addAndGet(payload.length);
        }

        /** A job:log frame in parts of {@link #PART} bytes: a binary frame, then continuations. */
        void inParts(byte[] message) throws IOException {
            for (int at = 0; at < message.length; at += PART) {
                int n = Math.min(PART, message.length - at);
                frame(at + n == message.length, at == 0 ? 0x2 : 0x0, Arrays.copyOfRange(message, at, at + n));
            }
        }

        void close(int code, String reason) throws IOException {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = ByteBuffer.allocate(2 + text.length)
                    .putShort((short) code)
                    .put(text)
                    .array();
            frame(true, 0x8, payload);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
            if (socket != null) {
                socket.close();
            }
        }
    }

    private final Peer peer;
    private DaemonClient client;

    DaemonClientTest() throws IOException {
        peer = new Peer();
    }

    @AfterEach
    void closeBoth() throws IOException {
        if (client != null) {
            client.close();
        }
        peer.close();
    }

    private DaemonClient connect(long window) throws Exception {
        var accepted = CompletableFuture.runAsync(() -> {
            try {
                peer.accept();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        WebSocketConnection socket = WebSocketConnection.open(
                peer.address(),
                null,
                "127.0.0.1",
                "/ws",
                LogFrame.SUBPROTOCOL,
                Map.of("Authorization", "Bearer t"),
                Duration.ofSeconds(5));
        accepted.get();
        return new DaemonClient("test", socket, window);
    }

    static byte[] frame(long seq) {
        byte[] data = new byte[CHUNK];
        Arrays.fill(data, (byte) ('a' + seq % 26));
        ByteBuffer frame = LogFrame.encode(new Response.JobLog(JOB, seq, LogStream.STDOUT, data, Instant.now()));
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    @Test
    void aPausedConsumerStopsTheReadingAndTheCloseBehindTheBacklogStillArrives() throws Exception {
        long window = 1 << 20;
        client = connect(window);
        int messages = 2000; // 128 MiB: 128 windows' worth
        var writer = CompletableFuture.runAsync(() -> {
            try {
                for (int seq = 1; seq <= messages; seq++) {
                    peer.inParts(frame(seq));
                    if (seq % 50 == 0) {
                        peer.frame(true, 0x9, new byte[0]); // a ping: the client answers it
                        peer.frame(
                                true,
                                0x1,
                                "{\"v\":1,\"type\":\"list-jobs\",\"id\":\"x\"}"
                                        .getBytes(StandardCharsets.UTF_8)); // a request: not for a client, skipped
                    }
                }
                peer.close(1008, "too slow");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        // The consumer pauses: the client stops reading once its window is full, and the peer's writes stall.
        Thread.sleep(1000);
        long written = peer.written.get();
        Thread.sleep(300);
        assertThat(peer.written.get()).as("the peer can write no more").isEqualTo(written);
        assertThat(writer).isNotDone();
        assertThat(client.queuedBytes()).as("bytes queued while paused").isLessThanOrEqualTo(window + CHUNK + 64);

        // It resumes: every message in order, then the close.
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int seq = 1; seq <= messages; seq++) {
                Response.JobLog log = (Response.JobLog) client.next();
                assertThat(log.seq()).isEqualTo(seq);
                assertThat(log.data()).hasSize(CHUNK);
            }
            assertThatThrownBy(client::next)
                    .isInstanceOf(DaemonClient.ConnectionLost.class)
                    .hasMessageContaining("too slow");
            assertThatThrownBy(client::next)
                    .as("and again for every later call")
                    .isInstanceOf(DaemonClient.ConnectionLost.class);
        });
        assertThat(peer.pongs.get()).as("every ping answered").isGreaterThanOrEqualTo(messages / 50);
    }

    @Test
    void aConsumerThatKeepsUpGetsEverythingThroughASmallWindow() throws Exception {
        client = connect(256 * 1024); // four frames
        var writer = CompletableFuture.runAsync(() -> {
            try {
                for (int seq = 1; seq <= 3000; seq++) {
                    peer.inParts(frame(seq));
                    peer.frame(true, 0x9, new byte[0]);
                }
                peer.close(1000, "");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int seq = 1; seq <= 3000; seq++) {
                assertThat(((Response.JobLog) client.next()).seq()).isEqualTo(seq);
            }
            assertThatThrownBy(client::next)
                    .isInstanceOf(DaemonClient.ConnectionLost.class)
                    .hasMessageContaining("status 1000");
        });
        writer.get();
    }

    /** A stopped daemon: the kernel still accepts its connections, and nobody answers. */
    @Test
    // In a thread of its own: without a deadline the connect waits forever, and a socket read is not interrupted.
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDaemonThatTakesTheConnectionButNeverAnswersIsNamedNotWaitedForForever(@TempDir Path tmp) throws Exception {
        Path token = Files.writeString(tmp.resolve("token"), "t\n");
        try (var silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + silent.getLocalPort();
            long start = System.nanoTime();
            assertThatThrownBy(() -> DaemonClient.connect(address, token))
                    .isInstanceOf(CliException.class)
                    .hasMessage("the vmo daemon at " + address + " took the connection but did not answer (no answer"
                            + " to the WebSocket upgrade within 5 s); is it stopped (Ctrl-Z in its terminal: `fg`"
                            + " resumes it) or overloaded?");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aBrokenConnectionEndsTheQueueAfterWhatArrived() throws Exception {
        client = connect(1 << 20);
        peer.inParts(frame(1));
        peer.out.flush();
        peer.socket.close();
        assertThat(((Response.JobLog) client.next()).seq()).isEqualTo(1);
        assertThatThrownBy(client::next).isInstanceOf(DaemonClient.ConnectionLost.class);
    }

    @Test
    void aFrameThatBreaksTheProtocolEndsTheConnection() throws Exception {
        client = connect(1 << 20);
        peer.frame(true, 0x0, new byte[3]); // a continuation of nothing
        peer.out.flush();
        assertThatThrownBy(client::next)
                .isInstanceOf(DaemonClient.ConnectionLost.class)
                .hasMessageContaining("continued a message it had not begun");
    }
}
