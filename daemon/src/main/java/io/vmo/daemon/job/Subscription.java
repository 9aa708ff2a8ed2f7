package io.vmo.daemon.job;

import io.vmo.protocol.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * One subscriber's view of one running job. Live events that arrive while the subscriber is still being sent the
 * stored history are held back and released after it, so the subscriber sees every seq once, in order.
 */
final class Subscription {

    private final Subscriber subscriber;
    private List<Response> held = new ArrayList<>();

    Subscription(Subscriber subscriber) {
        this.subscriber = subscriber;
    }

    synchronized void deliver(Response message) {
        if (held != null) {
            held.add(message);
        } else {
            subscriber.send(message);
        }
    }

    /** The history is sent: pass on what was held, and from now on deliver directly. */
    synchronized void release() {
        held.forEach(subscriber::send);
        held = null;
    }
}
