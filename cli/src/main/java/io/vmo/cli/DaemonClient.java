package io.vmo.cli;

import io.vmo.protocol.Codec;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.LogFrame;
import io.vmo.protocol.Message;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection to the daemon's WebSocket, speaking the same protocol as every other client. A reader thread takes
 * messages off the socket in order and queues them; a command takes them one by one with {@link #next()}.
 *
 * <p>The queue holds at most {@link #WINDOW_BYTES} of messages not yet taken: a consumer that stops taking (its
 * stdout is a pager that is not reading) stops the reader, and TCP's back-pressure reaches the daemon, instead of
 * the job's whole output piling up in this JVM's heap. The reader waits only while messages are queued, so a
 * consumer waiting on an empty queue always has the socket read for it: the next message, or the close, arrives.
 */
public final class DaemonClient implements AutoCloseable {

    /** The connection closed under a command; one that follows a job can resume from its last seq. */
    static final class ConnectionLost extends CliException {
        ConnectionLost(String message) {
            super(message);
        }
    }

    /** No daemon listens at the address: not started, or restarting. */
    static final class Unreachable extends CliException {
        Unreachable(String message) {
            super(message);
        }
    }

    /** What {@link #next()} returns once the connection has closed. */
    private record Closed(String reason) {}

    /** A message in the queue, with the bytes it holds the window for. */
    private record Received(Response response, long bytes) {}

    /**
     * Bytes of received messages not yet taken at which the CLI stops reading the socket. 16 MiB: about 250 of the
     * daemon's largest output frames (64 KiB), enough to keep a consumer that writes to a fast stdout busy, small
     * beside the JVM itself (the CLI's RSS stays near 100 MB however far behind its reader is; unbounded, it grew
     * with the job's output).
     */
    static final long WINDOW_BYTES = 16L << 20;
    /**
     * How often the client sends an unsolicited pong (RFC 6455 §5.5.3: a one-way heartbeat). The daemon closes a
     * WebSocket that neither sends anything nor takes what waits for it for a minute (30 s before its ping, 30 s
     * after), and this client stops reading when its consumer does — a pager nobody scrolls — so it could not
     * answer the daemon's pings then: the ping waits behind the unread output. Its sending side is free: the
     * heartbeat says it is alive. Tests shorten it with VMO_HEARTBEAT_SECONDS, as they shorten the daemon's.
     */
    static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private final Codec codec = new Codec();
    private final ArrayDeque<Object> incoming = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Condition room = lock.newCondition();
    private long queuedBytes;
    private final AtomicLong requestIds = new AtomicLong();
    private final String address;
    private final long windowBytes;
    private final WebSocketConnection socket;
    private final Thread reader;
    private Thread heartbeat;
    private volatile boolean closing;
    /** Why the connection ended, once the reader knows (the daemon's close reason): what a failed send reports. */
    private volatile String endedBecause;

    /** A client of this connection, with this window (tests give small ones). */
    DaemonClient(String address, WebSocketConnection socket, long windowBytes) {
        this.address = address;
        this.socket = socket;
        this.windowBytes = windowBytes;
        this.reader = Thread.ofPlatform().daemon().name("vmo-reader").start(this::read);
    }

    public static DaemonClient connect(String address, Path tokenFile) {
        return connect(address, tokenFile, null, true);
    }

    /**
     * Connects to the daemon at {@code address} ({@code [https://]HOST:PORT}), with the token from
     * {@link ClientIdentity#token}; over TLS trusting the system's CAs, or those in {@code ca} when given (see
     * {@link ClientTls}); a self-signed daemon is pinned on first use if {@code mayPin}, else refused until pinned.
     */
    public static DaemonClient connect(String address, Path tokenFile, Path ca, boolean mayPin) {
        String token = ClientIdentity.token(tokenFile);
        DaemonAddress where = DaemonAddress.parse(address);
        WebSocketConnection socket;
        try {
            socket = WebSocketConnection.open(
                    new InetSocketAddress(where.host(), where.port()),
                    where.secure() ? tls(where, ca, mayPin) : null,
                    where.authority(),
                    "/ws",
                    LogFrame.SUBPROTOCOL, // output as bytes, exactly as the job wrote them
                    ClientIdentity.headers(token),
                    Duration.ofSeconds(5));
        } catch (WebSocketConnection.LayerRefused refused) {
            throw new CliException(refused.getMessage());
        } catch (WebSocketConnection.Refused refused) {
            throw new CliException("the daemon at " + address + " refused the connection (HTTP " + refused.status
                    + ")"
                    + (refused.status == 401
                            ? "; " + ClientIdentity.tokenSource(tokenFile) + " is not this daemon's, or was revoked"
                                    + refusal(refused.body)
                            : refusal(refused.body)));
        } catch (WebSocketConnection.NoAnswer e) {
            throw new CliException("the vmo daemon at " + address + " took the connection but did not answer ("
                    + e.getMessage() + "); is it stopped (Ctrl-Z in its terminal: `fg` resumes it) or overloaded?");
        } catch (IOException e) {
            String why = e instanceof ConnectException ? "connection refused" : String.valueOf(e.getMessage());
            throw new Unreachable("cannot reach the vmo daemon at " + address + " (" + why + "); start it with"
                    + " `vmo daemon` (or `make run` in the vmo checkout)");
        }
        DaemonClient client = new DaemonClient(address, socket, WINDOW_BYTES);
        client.startHeartbeat(heartbeatPeriod());
        return client;
    }

    /** TLS, in a method of its own: a plain connection loads none of it. */
    static WebSocketConnection.Layer tls(DaemonAddress address, Path ca, boolean mayPin) {
        return ClientTls.forDaemon(address, ca, mayPin);
    }

    /** The daemon's own words when it refused the upgrade with its usual error body (e.g. too many connections). */
    private static String refusal(String body) {
        if (!body.isBlank()) {
            try {
                if (new Codec().decode(body) instanceof Response.ErrorReply error) {
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
        // Platform threads, here and for the goodbye: the first virtual thread starts the JDK's scheduler (a
        // ForkJoinPool and its classes), start-up work a command that lives a few milliseconds does not need.
        heartbeat = Thread.ofPlatform().daemon().name("vmo-heartbeat").start(() -> {
            while (reader.isAlive()) {
                try {
                    Thread.sleep(period);
                    socket.sendPong();
                } catch (InterruptedException | IOException e) {
                    return;
                }
            }
        });
    }

    /** The reader thread: every message in order into the queue, waiting while the window is full. */
    private void read() {
        try {
            while (true) {
                // An if-chain, not a pattern switch: javac makes a pattern switch an invokedynamic whose
                // bootstrap writes a class on first use (the ClassFile API; the AOT cache does not keep it), 3-5 ms
                // of every command's start.
                WebSocketConnection.Incoming incoming = socket.read();
                if (incoming instanceof WebSocketConnection.Text text) {
                    Message message;
                    try {
                        message = codec.decode(text.text());
                    } catch (VmoException e) {
                        end("the daemon sent a message this vmo cannot read: " + e.getMessage());
                        return;
                    }
                    if (message instanceof Response response) {
                        queue(new Received(response, text.text().length()));
                    }
                } else if (incoming instanceof WebSocketConnection.Binary binary) {
                    Response response;
                    try {
                        response = LogFrame.decode(ByteBuffer.wrap(binary.data()));
                    } catch (VmoException e) {
                        end("the daemon sent a frame this vmo cannot read: " + e.getMessage());
                        return;
                    }
                    queue(new Received(response, binary.data().length));
                } else if (incoming instanceof WebSocketConnection.Close close) {
                    end(close.reason().isEmpty() ? "status " + close.code() : close.reason());
                    return;
                }
            }
        } catch (IOException e) {
            end(closing ? "closed by this client" : why(e));
        } catch (InterruptedException e) {
            end("interrupted");
        } finally {
            socket.close();
        }
    }

    /** An I/O failure in words: a connection the daemon's end dropped (it died) says nothing by itself. */
    private static String why(IOException e) {
        return e.getMessage() != null
                ? e.getMessage()
                : "the daemon went away (" + e.getClass().getSimpleName() + ")";
    }

    /** Queues a message, once the window has room. */
    private void queue(Received message) throws InterruptedException {
        lock.lock();
        try {
            while (queuedBytes >= windowBytes) {
                room.await();
            }
            incoming.add(message);
            queuedBytes += message.bytes();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Queues the end, after every message: it needs no room. */
    private void end(String reason) {
        endedBecause = reason;
        lock.lock();
        try {
            incoming.add(new Closed(reason));
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of messages queued and not yet taken (tests). */
    long queuedBytes() {
        lock.lock();
        try {
            return queuedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** A fresh request id, echoed by the daemon on its reply. */
    public String nextId() {
        return Long.toString(requestIds.incrementAndGet());
    }

    /** Thread-safe: an attached terminal sends keys, sizes and requests from several threads. */
    public void send(Request request) {
        try {
            socket.sendText(codec.encode(request));
        } catch (IOException e) {
            String reason = endedBecause;
            throw new ConnectionLost(
                    "the connection to the daemon at " + address + " closed: " + (reason != null ? reason : why(e)));
        }
    }

    /** The next message from the daemon; blocks until one arrives. */
    public Response next() {
        Object next;
        lock.lock();
        try {
            while (incoming.isEmpty()) {
                arrived.await();
            }
            next = incoming.peek();
            if (next instanceof Received received) {
                incoming.poll();
                queuedBytes -= received.bytes();
                room.signalAll();
            } // a Closed stays: every later call sees the close too
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        } finally {
            lock.unlock();
        }
        if (next instanceof Closed closed) {
            throw new ConnectionLost("the connection to the daemon at " + address + " closed: " + closed.reason());
        }
        return ((Received) next).response();
    }

    /** Whether a message is waiting, so printing can flush only when it has caught up. */
    public boolean hasNext() {
        lock.lock();
        try {
            return !incoming.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Sends a request and returns its reply, skipping other messages; an {@code error} reply is thrown. */
    public <T extends Response> T call(Request request, Class<T> replyType) {
        send(request);
        while (true) {
            Response response = next();
            if (response instanceof Response.ErrorReply error
                    && (error.id() == null || error.id().equals(request.id()))) {
                throw new CliException(message(error));
            }
            if (replyType.isInstance(response)) {
                return replyType.cast(response);
            }
        }
    }

    /** An error reply in words; a refusal of the caller's rights says so first, as its code. */
    static String message(Response.ErrorReply error) {
        boolean refused = error.code() == ErrorCode.FORBIDDEN || error.code() == ErrorCode.UNAUTHORIZED;
        return refused ? error.code().code() + ": " + error.message() : error.message();
    }

    /**
     * Says goodbye and closes. The close frame is sent from another thread, waited for a second at most: a daemon
     * that reads nothing (its socket full) must not hold the CLI's exit.
     */
    @Override
    public void close() {
        closing = true;
        if (heartbeat != null) {
            heartbeat.interrupt();
        }
        Thread bye = Thread.ofPlatform().daemon().name("vmo-bye").start(() -> {
            try {
                socket.sendClose(1000, "bye");
            } catch (IOException e) {
                // already gone
            }
        });
        try {
            bye.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
