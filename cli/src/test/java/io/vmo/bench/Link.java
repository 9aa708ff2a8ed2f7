package io.vmo.bench;

import io.vmo.cli.DaemonClient;
import io.vmo.e2e.TestDaemon;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A protocol connection to the daemon, as the benchmark's clients use it; two kinds, see {@link Kind}. */
interface Link extends AutoCloseable {

    enum Kind {
        /**
         * {@code io.vmo.cli.DaemonClient}: the CLI's own client (its WebSocketConnection, a reader thread, a queue), sent
         * output as binary frames.
         */
        CLI("the CLI's DaemonClient", true),
        /** {@link WireClient}: a minimal blocking-socket WebSocket client, timing each frame as it completes. */
        WIRE("a minimal blocking-socket client", false);

        final String description;
        /** Whether it is sent output as its exact bytes (binary frames), or as JSON text. */
        final boolean exactBytes;

        Kind(String description, boolean exactBytes) {
            this.description = description;
            this.exactBytes = exactBytes;
        }

        /** What this client must have received of a stream: the stored bytes, or the text they decode to. */
        Digest.Result expected(StoredDigest stored, io.vmo.protocol.LogStream stream) {
            return exactBytes ? stored.bytes(stream) : stored.text(stream);
        }
    }

    String nextId();

    void send(Request request);

    /** The next message; blocks. Throws when the connection has closed. */
    Response next();

    /** Wall-clock epoch ns when the message last returned by {@link #next()} was complete at this client. */
    long receivedAt();

    @Override
    void close();

    static Link open(Kind kind, TestDaemon daemon) {
        return switch (kind) {
            case CLI -> new CliLink(daemon.connect());
            case WIRE -> {
                try {
                    yield WireClient.connect(daemon.address(), daemon.token());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** Sends a request and returns its reply of the given type, skipping other messages; an error reply throws. */
    default <T extends Response> T call(Request request, Class<T> type) {
        send(request);
        while (true) {
            Response response = next();
            if (response instanceof Response.ErrorReply e && (e.id() == null || e.id().equals(request.id()))) {
                throw new IllegalStateException("the daemon refused " + request + ": " + e.message());
            }
            if (type.isInstance(response)) {
                return type.cast(response);
            }
        }
    }

    /** The CLI's client; the receipt time is when its queue hands the message to the reader. */
    final class CliLink implements Link {
        private final DaemonClient client;
        private long receivedAt;

        CliLink(DaemonClient client) {
            this.client = client;
        }

        @Override
        public String nextId() {
            return client.nextId();
        }

        @Override
        public void send(Request request) {
            client.send(request);
        }

        @Override
        public Response next() {
            Response response = client.next();
            receivedAt = Watched.epochNanos();
            return response;
        }

        @Override
        public long receivedAt() {
            return receivedAt;
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
