package io.vmo.daemon.job;

import io.vmo.protocol.Response;
import java.util.concurrent.Executor;

/**
 * A client that joins jobs: a WebSocket connection, or a test. Replies and notices go out with {@link #send};
 * the events of joined jobs are pulled by their {@link Cursor}s on {@link #executor()}, only while the client is
 * {@link #writable()}, so nothing queues up for a client that reads slowly.
 */
public interface Subscriber {

    /** Sends one message now, from any thread (a reply, a {@code job:update}); must not block. */
    void send(Response message);

    /** Where this client's cursors run: one task at a time, in submission order (a connection's event loop). */
    Executor executor();

    /** Whether the client can take more now. Called on {@link #executor()}. */
    boolean writable();

    /** Queues one message of a cursor, on {@link #executor()}, without flushing. */
    void write(Response message);

    /** Sends what {@link #write} queued. */
    void flush();
}
