package io.vmo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.protocol.LogFrame;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Response;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The real {@link DaemonClient} listener and queue over a fake socket that behaves as java.net.http's does: it
 * invokes the listener once per unit of demand (each part of a message, a ping, the close) from a thread of its
 * own, and with no demand it reads — delivers — nothing.
 */
class DaemonClientWindowTest {

    static final String JOB = UUID.randomUUID().toString();
    static final int CHUNK = 64 * 1024;
    static final int PART = 16 * 1024;

    /** A socket whose peer has sent {@code script}: binary parts, pings, a text and, last, a close frame. */
    static final class FakeSocket implements WebSocket {
        private final Deque<Runnable> script = new ArrayDeque<>();
        private final WebSocket.Listener listener;
        private long demand;
        private long delivered;
        private final Thread reader;

        FakeSocket(WebSocket.Listener listener) {
            this.listener = listener;
            reader = Thread.ofPlatform().daemon().name("fake-socket").unstarted(this::run);
        }

        void binary(ByteBuffer part, boolean last) {
            script.add(() -> listener.onBinary(this, part, last));
        }

        void ping() {
            script.add(() -> listener.onPing(this, ByteBuffer.allocate(0)));
        }

        void text(String json) {
            script.add(() -> listener.onText(this, json, true));
        }

        void close(int code, String reason) {
            script.add(() -> listener.onClose(this, code, reason));
        }

        void open() {
            listener.onOpen(this);
            reader.start();
        }

        synchronized long delivered() {
            return delivered;
        }

        synchronized boolean starved() {
            return demand == 0 && !script.isEmpty();
        }

        private void run() {
            while (true) {
                Runnable next;
                synchronized (this) {
                    while (demand == 0 || script.isEmpty()) {
                        if (script.isEmpty()) {
                            return;
                        }
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    demand--;
                    delivered++;
                    next = script.poll();
                }
                next.run();
            }
        }

        @Override
        public synchronized void request(long n) {
            demand += n;
            notifyAll();
        }

        @Override
        public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public String getSubprotocol() {
            return LogFrame.SUBPROTOCOL;
        }

        @Override
        public boolean isOutputClosed() {
            return false;
        }

        @Override
        public boolean isInputClosed() {
            return false;
        }

        @Override
        public void abort() {
        }
    }

    static ByteBuffer frame(long seq) {
        byte[] data = new byte[CHUNK];
        Arrays.fill(data, (byte) ('a' + seq % 26));
        return LogFrame.encode(new Response.JobLog(JOB, seq, LogStream.STDOUT, data, Instant.now()));
    }

    /** A frame in parts of {@link #PART} bytes, as java.net.http hands a large frame over. */
    static void inParts(FakeSocket socket, ByteBuffer frame) {
        while (frame.hasRemaining()) {
            int n = Math.min(PART, frame.remaining());
            ByteBuffer part = frame.slice(frame.position(), n);
            frame.position(frame.position() + n);
            socket.binary(part, !frame.hasRemaining());
        }
    }

    @Test
    void aPausedConsumerStopsTheReadingAndTheCloseBehindTheBacklogStillArrives() throws Exception {
        long window = 1 << 20;
        DaemonClient client = new DaemonClient("fake", window);
        FakeSocket socket = new FakeSocket(client.listener());
        client.use(socket);
        int messages = 2000; // 128 MiB: 128 windows' worth
        for (int seq = 1; seq <= messages; seq++) {
            inParts(socket, frame(seq));
            if (seq % 50 == 0) {
                socket.ping();
                socket.text("{\"v\":1,\"type\":\"list-jobs\",\"id\":\"x\"}"); // a request: not for a client
            }
        }
        socket.close(1008, "too slow");
        socket.open();

        // The consumer pauses: the socket must stop being read once the window is full.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!socket.starved() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(socket.starved()).as("no demand left while the consumer pauses").isTrue();
        long parts = socket.delivered();
        Thread.sleep(200);
        assertThat(socket.delivered()).as("nothing more read").isEqualTo(parts);
        assertThat(parts * PART).as("bytes read while paused")
                .isLessThanOrEqualTo(window + (DaemonClient.DEMAND_BATCH + 8L) * PART);

        // It resumes: every message in order, then the close — never a wait on an empty queue with no demand.
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int seq = 1; seq <= messages; seq++) {
                Response response = client.next();
                assertThat(response).isInstanceOf(Response.JobLog.class);
                Response.JobLog log = (Response.JobLog) response;
                assertThat(log.seq()).isEqualTo(seq);
                assertThat(log.data()).hasSize(CHUNK);
            }
            assertThatThrownBy(client::next).isInstanceOf(DaemonClient.ConnectionLost.class)
                    .hasMessageContaining("too slow");
            assertThatThrownBy(client::next).as("and again for every later call")
                    .isInstanceOf(DaemonClient.ConnectionLost.class);
        });
    }

    @Test
    void aConsumerThatKeepsUpNeverRunsOutOfDemand() {
        DaemonClient client = new DaemonClient("fake", 256 * 1024); // four frames
        FakeSocket socket = new FakeSocket(client.listener());
        client.use(socket);
        for (int seq = 1; seq <= 5000; seq++) {
            inParts(socket, frame(seq));
            socket.ping();
        }
        socket.close(1000, "bye");
        socket.open();
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int seq = 1; seq <= 5000; seq++) {
                assertThat(((Response.JobLog) client.next()).seq()).isEqualTo(seq);
            }
            assertThatThrownBy(client::next).isInstanceOf(DaemonClient.ConnectionLost.class);
        });
    }
}
