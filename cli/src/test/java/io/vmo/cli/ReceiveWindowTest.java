package io.vmo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The window's arithmetic, driven by a model of java.net.http: one listener invocation per unit of demand, for
 * parts of messages, pings and the close alike.
 */
class ReceiveWindowTest {

    static final int PART = 16 * 1024;

    /** What the socket would deliver: parts (bytes, last?), pings, and a close at the end. */
    sealed interface Item {}

    record Part(int bytes, boolean last) implements Item {}

    record Ping() implements Item {}

    record Close() implements Item {}

    /** The model: requested units, the script still to deliver, the client's queue of complete messages. */
    static final class Model {
        long demand;
        long requests;
        final Deque<Item> script = new ArrayDeque<>();
        final Deque<Long> queue = new ArrayDeque<>();
        long assembling;
        boolean closeDelivered;
        final ReceiveWindow window;

        Model(long capacity, int batch) {
            window = new ReceiveWindow(capacity, batch, n -> {
                demand += n;
                requests++;
            });
            window.open();
        }

        /** Delivers one item if there is demand, as java.net.http would; false when it cannot. */
        boolean deliver() {
            if (demand == 0 || script.isEmpty()) {
                return false;
            }
            demand--;
            Item item = script.poll();
            switch (item) {
                case Part p -> {
                    assembling += p.bytes();
                    if (p.last()) {
                        window.queued(assembling);
                        queue.add(assembling);
                        assembling = 0;
                    }
                }
                case Ping ping -> { }
                case Close close -> closeDelivered = true;
            }
            window.invoked();
            return true;
        }

        boolean take() {
            Long bytes = queue.poll();
            if (bytes == null) {
                return false;
            }
            window.taken(bytes);
            return true;
        }
    }

    /** 64 KiB messages in 4 parts, a ping now and then, and a close frame behind them all. */
    static void flood(Model model, int messages) {
        for (int i = 0; i < messages; i++) {
            for (int p = 0; p < 4; p++) {
                model.script.add(new Part(PART, p == 3));
            }
            if (i % 10 == 0) {
                model.script.add(new Ping());
            }
        }
        model.script.add(new Close());
    }

    @Test
    void aConsumerThatStopsStopsTheDemandWithinTheWindow() {
        Model model = new Model(1 << 20, 64);
        flood(model, 1000);
        while (model.deliver()) { } // the consumer takes nothing
        assertThat(model.demand).as("demand left").isZero();
        assertThat(model.script).as("the socket is no longer read").isNotEmpty();
        assertThat(model.window.queuedBytes()).isGreaterThanOrEqualTo(1 << 20)
                .isLessThanOrEqualTo((1 << 20) + 64L * PART + 4L * PART);
    }

    /**
     * The hang: the consumer paused until the window was used up, the daemon's close (frame, or end of stream)
     * waits behind the backlog. Taking the messages must reopen the window each time it falls to half, and the
     * close must reach the consumer once it has taken everything.
     */
    @Test
    void theCloseBehindAUsedUpWindowReachesTheConsumerOnceItResumes() {
        Model model = new Model(1 << 20, 64);
        flood(model, 1000);
        while (model.deliver()) { }
        int taken = 0;
        for (int rounds = 0; rounds < 100_000 && !(model.closeDelivered && model.queue.isEmpty()); rounds++) {
            if (model.take()) {
                taken++;
            }
            while (model.deliver()) { }
            if (model.queue.isEmpty()) {
                assertThat(model.demand).as("a consumer waiting on an empty queue has demand out").isPositive();
            }
        }
        assertThat(taken).isEqualTo(1000);
        assertThat(model.closeDelivered).isTrue();
        assertThat(model.requests).as("requests are batched: ~one per 32 invocations")
                .isLessThan(4400 / 20);
    }

    @Test
    void aMessageLargerThanTheWindowStillGetsThrough() {
        Model model = new Model(64 * 1024, 8);
        for (int p = 0; p < 64; p++) {
            model.script.add(new Part(PART, p == 63)); // 1 MiB in 64 parts: its parts cost no window
        }
        model.script.add(new Close());
        while (model.deliver()) { }
        assertThat(model.queue).containsExactly(64L * PART);
        assertThat(model.take()).isTrue();
        while (model.deliver()) { }
        assertThat(model.closeDelivered).isTrue();
    }

    /** Any interleaving of deliveries and takes: an empty queue always has demand out, the queue stays bounded. */
    @Test
    void invariantUnderRandomInterleavings() {
        Random random = new Random(7);
        for (int run = 0; run < 200; run++) {
            long capacity = 1 + random.nextInt(4 << 20);
            int batch = 2 + random.nextInt(100);
            Model model = new Model(capacity, batch);
            int messages = 1 + random.nextInt(300);
            for (int i = 0; i < messages; i++) {
                int parts = 1 + random.nextInt(8);
                for (int p = 0; p < parts; p++) {
                    model.script.add(new Part(1 + random.nextInt(PART), p == parts - 1));
                }
                if (random.nextInt(5) == 0) {
                    model.script.add(new Ping());
                }
            }
            model.script.add(new Close());
            int taken = 0;
            while (!(model.closeDelivered && model.queue.isEmpty())) {
                if (random.nextBoolean()) {
                    for (int n = random.nextInt(20); n > 0 && model.deliver(); n--) { }
                } else if (model.take()) {
                    taken++;
                }
                if (model.queue.isEmpty() && !model.closeDelivered) {
                    assertThat(model.demand).as("run %d: empty queue, demand", run).isPositive();
                }
                assertThat(model.window.queuedBytes()).isLessThanOrEqualTo(capacity + (batch + 8L) * PART);
            }
            assertThat(taken).isEqualTo(messages);
        }
    }

    /**
     * The earlier attempt's arithmetic, for contrast: a fixed window of W units, one unit given back per message
     * taken. A message in k parts used k units, a ping one that never comes back: the units leak, and the consumer
     * ends up waiting on an empty queue with no demand out — java.net.http reads nothing more, so the close that
     * would end the wait is never delivered. A smaller window gets there sooner.
     */
    @Test
    void givingBackAUnitPerMessageLeaksTheWindowIntoAHang() {
        for (int window : new int[] {256, 1024}) {
            long[] demand = {window};
            Deque<Item> script = new ArrayDeque<>();
            for (int i = 0; i < 10_000; i++) {
                script.add(new Part(PART, false));
                script.add(new Part(PART, true));
                if (i % 10 == 0) {
                    script.add(new Ping());
                }
            }
            script.add(new Close());
            List<Integer> queue = new ArrayList<>();
            int taken = 0;
            boolean closed = false;
            while (true) {
                while (demand[0] > 0 && !script.isEmpty()) {
                    demand[0]--;
                    Item item = script.poll();
                    if (item instanceof Part p && p.last()) {
                        queue.add(1);
                    } else if (item instanceof Close) {
                        closed = true;
                    }
                }
                if (queue.isEmpty()) {
                    break; // the consumer blocks in next()
                }
                queue.removeFirst();
                taken++;
                demand[0]++;
            }
            assertThat(closed).as("window %d: the close was delivered", window).isFalse();
            assertThat(demand[0]).isZero();
            assertThat(taken).as("window %d: messages taken before the hang", window).isLessThan(10_000);
        }
    }
}
