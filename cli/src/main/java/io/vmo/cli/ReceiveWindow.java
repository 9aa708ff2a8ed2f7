package io.vmo.cli;

import java.util.function.LongConsumer;

/**
 * Flow control for a {@link java.net.http.WebSocket}: how much demand to request so that the messages received
 * but not yet taken stay within {@code capacity} bytes, while requesting in batches (one {@code request(n)} per
 * {@code batch / 2} parts, not one per part: a hand-off per ~16 KB part capped {@code vmo run} at a quarter of what
 * the daemon sends).
 *
 * <p>java.net.http counts demand in <em>listener invocations</em>: every part of a fragmented message, every ping
 * and pong, and a close frame each use one unit, and with none left it reads nothing more from the socket — neither
 * data nor the close behind it. So this counts units exactly as they are used ({@link #invoked()}, called by the
 * listener on every invocation, whatever it carried) and counts bytes only for complete messages waiting in the
 * queue ({@link #queued}, {@link #taken}); a message still being assembled, a ping or a message the client drops
 * costs no window, so it can never use the window up for good.
 *
 * <p>The invariant that rules out the hang: after every call, <b>if no message is queued, demand is outstanding</b>.
 * A consumer that blocks on an empty queue therefore always has the socket being read for it, and the next part,
 * the close frame or the end of the stream reaches it. The window closes only while messages wait; the consumer then
 * reopens it by taking them (below half the capacity demand flows again).
 *
 * <p>Bound: queued bytes ≤ {@code capacity} + what one batch of parts brings after the last check + one message.
 * Thread-safe; {@code request} is called outside the lock (java.net.http may run the listener inline in it).
 */
final class ReceiveWindow {

    private final long capacity;
    private final int batch;
    private final LongConsumer request;
    private long queuedBytes;
    private int queuedMessages;
    /** Units requested and not yet used by an invocation. */
    private long outstanding;
    /** Set when the queue reached {@code capacity}; cleared once it drains to half. */
    private boolean closed;

    /**
     * @param capacity bytes of queued messages at which demand stops
     * @param batch    units of demand kept outstanding while the window is open (≥ 2)
     * @param request  {@code WebSocket::request}
     */
    ReceiveWindow(long capacity, int batch, LongConsumer request) {
        if (capacity <= 0 || batch < 2) {
            throw new IllegalArgumentException("capacity " + capacity + ", batch " + batch);
        }
        this.capacity = capacity;
        this.batch = batch;
        this.request = request;
    }

    /** The first demand: call once, from {@code onOpen}. */
    void open() {
        request(topUp());
    }

    /** The listener was invoked (any part, ping, pong, close): one unit of demand used. */
    void invoked() {
        long n;
        synchronized (this) {
            outstanding = Math.max(0, outstanding - 1);
            n = topUp();
        }
        request(n);
    }

    /** A complete message of {@code bytes} was put in the queue: call before {@link #invoked()} for its last part. */
    synchronized void queued(long bytes) {
        queuedBytes += bytes;
        queuedMessages++;
    }

    /** The consumer took a message of {@code bytes} from the queue. */
    void taken(long bytes) {
        long n;
        synchronized (this) {
            queuedBytes -= bytes;
            queuedMessages--;
            n = topUp();
        }
        request(n);
    }

    synchronized long queuedBytes() {
        return queuedBytes;
    }

    synchronized long outstanding() {
        return outstanding;
    }

    /** Under the lock: how many units to request now (0 for none), counted as outstanding at once. */
    private long topUp() {
        if (queuedMessages == 0) {
            closed = false; // nothing waits: the consumer needs the socket read, whatever else holds
        } else if (closed && queuedBytes <= capacity / 2) {
            closed = false;
        } else if (!closed && queuedBytes >= capacity) {
            closed = true;
        }
        if (closed || outstanding > batch / 2) {
            return 0;
        }
        long n = batch - outstanding;
        outstanding = batch;
        return n;
    }

    private void request(long n) {
        if (n > 0) {
            request.accept(n);
        }
    }
}
