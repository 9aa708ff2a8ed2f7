package io.vmo.daemon.job;

import io.vmo.protocol.Response;

/** A client that has joined jobs: a WebSocket connection, or a test. */
public interface Subscriber {

    /** Sends one message. Called in the order messages must arrive; must not block. */
    void send(Response message);

    /** Waits until the client can take more; used while replaying history, so a long one cannot flood memory. */
    default void awaitCapacity() {}
}
