package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RationTest {

    private static final int READ = 64 << 10;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger viewers = new AtomicInteger(200);
    private final Ration ration = new Ration(viewers::get, now::get);

    private final List<FakeConnection> connections = new ArrayList<>();

    @AfterEach
    void closeConnections() {
        connections.forEach(FakeConnection::close);
    }

    /** A viewer of an empty log, so that a wake only counts a turn of its connection. */
    private record Watching(Cursor cursor, FakeConnection connection) {

        long wakes() {
            return connection.turns.get();
        }
    }

    private Watching viewer() {
        FakeConnection connection = new FakeConnection();
        connections.add(connection);
        Cursor cursor = new Cursor(
                UUID.randomUUID(),
                new JobLog(0),
                0,
                connection,
                (id, log, after, upTo, limit) -> List.of(),
                ration,
                Runnable::run,
                c -> {});
        return new Watching(cursor, connection);
    }

    /** The job writes {@code reads} full reads at 100 MB/s: a flood. */
    private void flood(int reads) {
        for (int i = 0; i < reads; i++) {
            ration.wrote(READ);
            now.addAndGet(TimeUnit.MICROSECONDS.toNanos(640));
        }
    }

    /** Some viewer takes all there is to take now: the credit is then at most 0, and more than -{@link #READ}. */
    private void spendEverything() {
        Watching spare = viewer();
        while (ration.take(spare.cursor(), 0, READ)) {
            // takes on
        }
        ration.forget(spare.cursor());
    }

    @Test
    void aJobWritingSlowerThanTheFloodRateIsNotRationed() {
        Watching a = viewer();
        for (int i = 0; i < 100; i++) {
            ration.wrote(4096); // 4 KiB every 10 ms: 400 KB/s
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
        }
        assertThat(ration.flooding()).isFalse();
        assertThat(ration.take(a.cursor(), 0, 100 << 20)).isTrue();
        assertThat(ration.mayReadStore(a.cursor(), 0)).isTrue();
        assertThat(ration.waitingCount()).isZero();
    }

    @Test
    void aJobWithAFewViewersIsNotRationed() {
        viewers.set(Ration.FREE_VIEWERS);
        flood(200);
        Watching a = viewer();
        assertThat(ration.flooding()).isFalse();
        assertThat(ration.take(a.cursor(), 0, 100 << 20)).isTrue();
        assertThat(ration.mayReadStore(a.cursor(), 0)).isTrue();

        viewers.set(Ration.FREE_VIEWERS + 1);
        assertThat(ration.flooding()).isTrue();
    }

    @Test
    void duringAFloodItsViewersTogetherAreSentNoMoreThanItWrites() {
        flood(200);
        assertThat(ration.flooding()).isTrue();
        Watching a = viewer();
        Watching b = viewer();
        long taken = 0;
        while (ration.take(a.cursor(), 0, READ)) {
            taken += READ;
        }
        assertThat(taken).isBetween(Ration.MAX_CREDIT, Ration.MAX_CREDIT + READ); // what was left unused, at most
        assertThat(ration.take(b.cursor(), 0, READ)).isFalse();
        assertThat(ration.waitingCount()).isEqualTo(2);

        ration.wrote(READ); // the job writes one more read: one viewer may have it
        assertThat(a.wakes() + b.wakes()).isEqualTo(1);
    }

    @Test
    void theViewerNearestTheJobsEndIsServedFirst() {
        flood(200);
        spendEverything();
        Watching behind = viewer();
        Watching ahead = viewer();
        Watching between = viewer();
        ration.take(behind.cursor(), 5, READ);
        ration.take(ahead.cursor(), 9, READ);
        ration.take(between.cursor(), 7, READ);

        ration.wrote(READ);
        assertThat(List.of(ahead.wakes(), between.wakes(), behind.wakes())).containsExactly(1L, 0L, 0L);
        assertThat(ration.take(ahead.cursor(), 9, READ)).isTrue(); // woken, it takes its share
        ration.wrote(READ);
        assertThat(List.of(ahead.wakes(), between.wakes(), behind.wakes())).containsExactly(1L, 1L, 0L);
    }

    @Test
    void viewersBehindTheTailReadTheStoreOnlyOnceTheFloodHasStopped() {
        flood(200);
        Watching a = viewer();
        assertThat(ration.mayReadStore(a.cursor(), 0)).isFalse();
        ration.wrote(READ); // credit does not let it read the store
        assertThat(ration.mayReadStore(a.cursor(), 0)).isFalse();

        now.addAndGet(Duration.ofSeconds(1).toNanos()); // nothing written for a second
        assertThat(ration.flooding()).isFalse();
        assertThat(ration.mayReadStore(a.cursor(), 0)).isTrue();
    }

    @Test
    void viewersBehindTheTailAreNotWokenByTheJobsWritesOnlyByTheFloodsEnd() {
        flood(200);
        Watching ahead = viewer();
        Watching behind = viewer();
        assertThat(ration.mayReadStore(behind.cursor(), 0)).isFalse();
        spendEverything();
        ration.take(ahead.cursor(), 9, READ);

        flood(100); // credit enough for many viewers, but no share lets one read the store
        assertThat(behind.wakes()).isZero();
        assertThat(ahead.wakes()).isPositive();

        ration.end();
        assertThat(behind.wakes()).isEqualTo(1);
    }

    @Test
    void aFloodIsSeenFromTheJobsFirstReads() {
        Watching a = viewer();
        ration.wrote(8 << 10); // the pump's first reads: its buffer doubles while they fill it
        now.addAndGet(TimeUnit.MICROSECONDS.toNanos(50));
        ration.wrote(16 << 10);
        now.addAndGet(TimeUnit.MICROSECONDS.toNanos(100));
        ration.wrote(32 << 10);
        assertThat(ration.flooding()).isTrue();
        spendEverything();
        assertThat(ration.take(a.cursor(), 0, READ)).isFalse();
    }

    @Test
    void aShortBurstAfterSilenceIsNoFlood() {
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        ration.wrote(16 << 10); // a screenful, once
        assertThat(ration.flooding()).isFalse();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        ration.wrote(16 << 10); // and again, after a quiet spell
        assertThat(ration.flooding()).isFalse();
    }

    @Test
    void aPauseWithinTheFloodDoesNotEndIt() {
        flood(200);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(50)); // a garbage collection, or a wait for the store
        assertThat(ration.flooding()).isTrue();
    }

    @Test
    void theJobsEndLetsEveryViewerGoOn() {
        flood(200);
        spendEverything();
        Watching a = viewer();
        Watching b = viewer();
        ration.take(a.cursor(), 0, READ);
        ration.mayReadStore(b.cursor(), 0);

        ration.end();
        assertThat(List.of(a.wakes(), b.wakes())).containsExactly(1L, 1L);
        assertThat(ration.waitingCount()).isZero();
        flood(200);
        assertThat(ration.take(a.cursor(), 0, 100 << 20)).isTrue(); // nothing is rationed after the end
    }

    @Test
    void aViewerThatLeftIsNotWoken() {
        flood(200);
        spendEverything();
        Watching a = viewer();
        ration.take(a.cursor(), 0, READ);
        ration.forget(a.cursor());
        assertThat(ration.waitingCount()).isZero();
        ration.end();
        assertThat(a.wakes()).isZero();
    }

    @Test
    void waitingViewersGoOnOnceTheFloodStopsWithNoFurtherWrite() throws InterruptedException {
        flood(200);
        spendEverything();
        Watching a = viewer();
        ration.take(a.cursor(), 0, READ);
        now.addAndGet(Duration.ofSeconds(1).toNanos()); // the job has gone quiet; nothing else happens

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (a.wakes() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(a.wakes()).isEqualTo(1); // by the timer that checks while viewers wait
        assertThat(ration.waitingCount()).isZero();
    }
}
