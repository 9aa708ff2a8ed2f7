package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.protocol.LogStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedPagesTest {

    private final UUID job = UUID.randomUUID();
    private final List<Chunk> stored = new ArrayList<>();
    private final AtomicInteger storeReads = new AtomicInteger();

    SharedPagesTest() {
        for (long seq = 1; seq <= 100; seq++) {
            stored.add(new Chunk(job, seq, LogStream.STDOUT, Instant.EPOCH, new byte[1000]));
        }
    }

    private List<Chunk> store(UUID id, long after, long upTo, int limit) {
        storeReads.incrementAndGet();
        return stored.stream().filter(c -> c.jobId().equals(id) && c.seq() > after && c.seq() <= upTo).limit(limit)
                .toList();
    }

    private static List<Long> seqs(List<Chunk> chunks) {
        return chunks.stream().map(Chunk::seq).toList();
    }

    @Test
    void viewersThatFollowOneAnotherReadTheStoreOnce() {
        SharedPages pages = new SharedPages(this::store, 1 << 20);
        for (int viewer = 0; viewer < 10; viewer++) {
            long position = 0;
            while (position < 100) {
                List<Chunk> page = pages.read(job, position, 100, 8);
                assertThat(page.getFirst().seq()).isEqualTo(position + 1);
                position = page.getLast().seq();
            }
        }
        assertThat(storeReads.get()).isEqualTo(13); // 100 events in pages of 8, by the first viewer only
    }

    @Test
    void aPageStartsWhereAskedAndStopsAtWhatIsNotKept() {
        SharedPages pages = new SharedPages(this::store, 1 << 20);
        pages.read(job, 10, 100, 8); // keeps 11..18
        assertThat(seqs(pages.read(job, 14, 100, 8))).containsExactly(15L, 16L, 17L, 18L);
        assertThat(storeReads.get()).isEqualTo(1);
        assertThat(seqs(pages.read(job, 18, 100, 8))).containsExactly(19L, 20L, 21L, 22L, 23L, 24L, 25L, 26L);
        assertThat(seqs(pages.read(job, 9, 100, 8))).first().isEqualTo(10L); // 10 was never read: the store
        assertThat(storeReads.get()).isEqualTo(3);
        assertThat(seqs(pages.read(job, 14, 16, 8))).containsExactly(15L, 16L); // never past upToSeq
    }

    @Test
    void keepsNoMoreThanItsBudgetLettingTheOldestReadGoFirst() {
        SharedPages pages = new SharedPages(this::store, 20_000);
        for (long after = 0; after < 100; after += 8) {
            pages.read(job, after, 100, 8);
        }
        assertThat(pages.keptBytes()).isLessThanOrEqualTo(20_000);
        int reads = storeReads.get();
        pages.read(job, 90, 100, 8); // among the newest read: kept
        assertThat(storeReads.get()).isEqualTo(reads);
        pages.read(job, 0, 100, 8); // the first read: gone
        assertThat(storeReads.get()).isEqualTo(reads + 1);
    }

    @Test
    void jobsDoNotSeeEachOthersEvents() {
        SharedPages pages = new SharedPages(this::store, 1 << 20);
        pages.read(job, 0, 100, 8);
        assertThat(pages.read(UUID.randomUUID(), 0, 100, 8)).isEmpty();
    }

    @Test
    void atMostFourStoreReadsAtOnce() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        SharedPages pages = new SharedPages((id, after, upTo, limit) -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inside.decrementAndGet();
            return List.of();
        }, 1 << 20);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 12; i++) {
                UUID other = UUID.randomUUID();
                threads.execute(() -> pages.read(other, 0, 10, 8));
            }
            Thread.sleep(200); // let them all arrive: only four get in
            assertThat(inside.get()).isEqualTo(SharedPages.STORE_READERS);
            release.countDown();
        }
        assertThat(most.get()).isEqualTo(SharedPages.STORE_READERS);
    }
}
