package io.vmo.cli;

import io.vmo.daemon.web.AuthToken;
import io.vmo.protocol.Codec;
import io.vmo.protocol.LogFrame;
import io.vmo.protocol.Message;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection to the daemon's WebSocket, speaking the same protocol as every other client. Incoming messages
 * queue up in order; a command takes them one by one with {@link #next()}.
 *
 * <p>The queue is bounded by a {@link ReceiveWindow} of {@link #WINDOW_BYTES}: a consumer that stops taking (its
 * stdout is a pager that is not reading) stops the demand, java.net.http stops reading the socket, and TCP's
 * back-pressure reaches the daemon, instead of the job's whole output piling up in this JVM's heap.
 */
public final class DaemonClient implements AutoCloseable {

    /** The connection closed under a command; one that follows a job can resume from its last seq. */
    static final class ConnectionLost extends CliException {
        ConnectionLost(String message) {
            super(message);
        }
    }

    /** What {@link #next()} returns once the connection has closed. */
    private record Closed(String reason) {}

    /** A message in the queue, with the bytes it holds the window for. */
    private record Received(Response response, long bytes) {}

    /**
     * Bytes of received messages not yet taken at which the CLI stops reading the socket. 16 MiB: about 250 of the
     * daemon's largest output frames (64 KiB) — enough to keep a consumer that writes to a fast stdout busy across
     * the hand-offs (the window is topped up in batches, long before it empties), small beside the JVM itself (the
     * CLI's RSS stays near 100 MB however far behind its reader is; unbounded, it grew with the job's output).
     */
    static final long WINDOW_BYTES = 16L << 20;
    /** Units of demand (listener invocations: parts of ~16 KB and less) kept outstanding while the window is open. */
    static final int DEMAND_BATCH = 64;
    /**
     * How often the client sends an unsolicited pong (RFC 6455 §5.5.3: a one-way heartbeat). The daemon closes a
     * WebSocket that neither sends anything nor takes what waits for it for a minute (30 s before its ping, 30 s
     * after), and this client stops reading when its consumer does — a pager nobody scrolls — so it could not
     * answer the daemon's pings then: the ping waits behind the unread output. Its sending side is free: the
     * heartbeat says it is alive. Tests shorten it with VMO_HEARTBEAT_SECONDS, as they shorten the daemon's.
     */
    static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private final Codec codec = new Codec();
    private final BlockingQueue<Object> incoming = new LinkedBlockingQueue<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final String address;
    private final long windowBytes;
    private volatile ReceiveWindow window;
    private WebSocket socket;
    private Thread heartbeat;

    private DaemonClient(String address) {
        this(address, WINDOW_BYTES);
    }

    /** For tests: a client with this window, to be given a socket with {@link #listener()} and {@link #use}. */
    DaemonClient(String address, long windowBytes) {
        this.address = address;
        this.windowBytes = windowBytes;
    }

    /** The listener to open a socket with (tests open their own). */
    WebSocket.Listener listener() {
        return new Listener();
    }

    /** The socket the listener was opened on (tests). */
    void use(WebSocket webSocket) {
        this.socket = webSocket;
    }

    public static DaemonClient connect(String address, Path tokenFile) {
        String token;
        try {
            token = AuthToken.read(tokenFile);
        } catch (NoSuchFileException e) {
            throw new CliException("no daemon token at " + tokenFile + "; start the daemon once with `vmo daemon`"
                    + " (it creates the token) as this user");
        } catch (IOException e) {
            throw new CliException("cannot read the daemon token " + tokenFile + ": " + e.getMessage());
        }
        DaemonClient client = new DaemonClient(address);
        try {
            client.socket = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .subprotocols(LogFrame.SUBPROTOCOL) // output as bytes, exactly as the job wrote them
                    .buildAsync(URI.create("ws://" + address + "/ws"), client.new Listener())
                    .join();
        } catch (CompletionException | IllegalArgumentException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof WebSocketHandshakeException h) {
                int status = h.getResponse().statusCode();
                throw new CliException("the daemon at " + address + " refused the connection (HTTP " + status + ")"
                        + (status == 401 ? "; the token in " + tokenFile + " is not this daemon's"
                                : client.refusal(h.getResponse().body())));
            }
            String why = cause instanceof ConnectException ? "connection refused" : String.valueOf(cause.getMessage());
            throw new CliException("cannot reach the vmo daemon at " + address + " (" + why + "); start it with"
                    + " `vmo daemon` (or `make run` in the vmo checkout)");
        }
        client.startHeartbeat(heartbeatPeriod());
        return client;
    }

    /** The daemon's own words when it refused the upgrade with its usual error body (e.g. too many connections). */
    private String refusal(Object body) {
        if (body instanceof String json && !json.isBlank()) {
            try {
                if (codec.decode(json) instanceof Response.ErrorReply error) {
                    return ": " + error.message();
                }
            } catch (VmoException e) {
                // not the daemon's error body: the status says enough
            }
        }
        return "";
    }

    private static Duration heartbeatPeriod() {
        String seconds = System.getenv("VMO_HEARTBEAT_SECONDS");
        try {
            return seconds == null ? HEARTBEAT : Duration.ofMillis(Math.round(Double.parseDouble(seconds) * 1000));
        } catch (NumberFormatException e) {
            return HEARTBEAT;
        }
    }

    private void startHeartbeat(Duration period) {
        heartbeat = Thread.ofVirtual().name("vmo-heartbeat").start(() -> {
            while (!socket.isOutputClosed() && !socket.isInputClosed()) {
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
                // A heartbeat still being sent makes this one fail: one is enough.
                socket.sendPong(ByteBuffer.allocate(0)).exceptionally(e -> null);
            }
        });
    }

    /** A fresh request id, echoed by the daemon on its reply. */
    public String nextId() {
        return Long.toString(requestIds.incrementAndGet());
    }

    /** Thread-safe: an attached terminal sends keys, sizes and requests from several threads. */
    public synchronized void send(Request request) {
        socket.sendText(codec.encode(request), true).join();
    }

    /** The next message from the daemon; blocks until one arrives. */
    public Response next() {
        Object next;
        try {
            next = incoming.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        if (next instanceof Closed closed) {
            incoming.add(closed); // every later call sees the close too
            throw new ConnectionLost("the connection to the daemon at " + address + " closed: " + closed.reason());
        }
        Received received = (Received) next;
        window.taken(received.bytes());
        return received.response();
    }

    /** Whether a message is waiting, so printing can flush only when it has caught up. */
    public boolean hasNext() {
        return !incoming.isEmpty();
    }

    /** Sends a request and returns its reply, skipping other messages; an {@code error} reply is thrown. */
    public <T extends Response> T call(Request request, Class<T> replyType) {
        send(request);
        while (true) {
            Response response = next();
            if (response instanceof Response.ErrorReply error
                    && (error.id() == null || error.id().equals(request.id()))) {
                throw new CliException(error.message());
            }
            if (replyType.isInstance(response)) {
                return replyType.cast(response);
            }
        }
    }

    @Override
    public void close() {
        if (heartbeat != null) {
            heartbeat.interrupt();
        }
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(1, java.util.concurrent.TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket webSocket) {
            // Demand in batches (one request(1) per ~16 KB part costs a hand-off each time and capped `vmo run` at
            // a quarter of what the daemon can send), within a window of queued bytes.
            window = new ReceiveWindow(windowBytes, DEMAND_BATCH, webSocket::request);
            window.open();
        }

        /** Queues a complete message; the window counts it until {@link #next()} takes it. */
        private void queue(Response response, long bytes) {
            window.queued(bytes);
            incoming.add(new Received(response, bytes));
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            // A large message arrives in parts, as CharBuffers: appending one as a CharSequence copies it a char
            // at a time (a tenth of the reading thread's samples in a profile of a flood), its backing array goes in
            // one bulk copy.
            if (data instanceof CharBuffer chars && chars.hasArray()) {
                text.append(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining());
            } else {
                text.append(data);
            }
            if (last) {
                try {
                    Message message = codec.decode(text.toString());
                    if (message instanceof Response response) {
                        queue(response, text.length());
                    }
                } catch (VmoException e) {
                    incoming.add(new Closed("the daemon sent a message this vmo cannot read: " + e.getMessage()));
                }
                text.setLength(0);
            }
            window.invoked(); // every invocation used a unit of demand, whether a message came of it or not
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            // Output arrives as binary job:log frames, in parts when large; a one-part frame needs no gathering.
            ByteBuffer frame = data;
            if (!last || binary.size() > 0) {
                byte[] part = new byte[data.remaining()];
                data.get(part);
                binary.writeBytes(part);
                if (!last) {
                    window.invoked();
                    return null;
                }
                frame = ByteBuffer.wrap(binary.toByteArray());
                binary.reset();
            }
            try {
                int bytes = frame.remaining();
                queue(LogFrame.decode(frame), bytes);
            } catch (VmoException e) {
                incoming.add(new Closed("the daemon sent a frame this vmo cannot read: " + e.getMessage()));
            }
            window.invoked();
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            // java.net.http answers with a pong by itself; the ping used a unit of demand all the same.
            window.invoked();
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            window.invoked();
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            incoming.add(new Closed(reason.isEmpty() ? "status " + statusCode : reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            incoming.add(new Closed(String.valueOf(error.getMessage())));
        }
    }
}
