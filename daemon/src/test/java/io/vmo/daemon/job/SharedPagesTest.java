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
        return stored.stream()
                .filter(c -> c.jobId().equals(id) && c.seq() > after && c.seq() <= upTo)
                .limit(limit)
                .toList();
    }

    private static List<Long> seqs(List<Chunk> chunks) {
        return chunks.stream().map(Chunk::seq).toList();
    }

    /** A job of 100 stored events, none in its tail any more, with readers at these positions. */
    private static JobLog logWithReaders(Object... readersThenPositions) {
        JobLog log = new JobLog(100);
        for (int i = 0; i < readersThenPositions.length; i += 2) {
            at(log, readersThenPositions[i], (Long) readersThenPositions[i + 1]);
        }
        return log;
    }

    /** As a cursor does before it reads a page: it tells the log where it is. */
    private static void at(JobLog log, Object reader, long position) {
        assertThat(log.read(reader, position, 1)).isInstanceOf(JobLog.Behind.class);
    }

    /** One reader reads from its position to the end, page by page, as a cursor that fell behind does. */
    private static void readToTheEnd(SharedPages pages, JobLog log, UUID job, Object reader, long from) {
        long position = from;
        while (position < 100) {
            at(log, reader, position);
            List<Chunk> page = pages.read(job, log, position, 100, 8);
            assertThat(page.getFirst().seq()).isEqualTo(position + 1);
            position = page.getLast().seq();
        }
        log.leave(reader);
    }

    @Test
    void whatWasKeptForALogGoesOnceItsLastReaderHasLeft() {
        SharedPages pages = new SharedPages(this::store, 1 << 20, 1 << 20);
        JobLog log = new JobLog(100, pages);
        Object first = new Object();
        Object second = new Object();
        at(log, first, 0);
        at(log, second, 0);
        pages.read(job, log, 0, 100, 8); // the first reads a page; the second, behind it too, will need it
        assertThat(pages.keptBytes()).isEqualTo(8000);

        log.leave(first);
        assertThat(pages.keptBytes()).isEqualTo(8000);
        log.leave(second);
        assertThat(pages.keptBytes()).isZero();
    }

    @Test
    void viewersThatFollowOneAnotherReadTheStoreOnce() {
        SharedPages pages = new SharedPages(this::store, 1 << 20, 1 << 20);
        List<Object> viewers = new ArrayList<>();
        JobLog log = new JobLog(100);
        for (int i = 0; i < 10; i++) {
            viewers.add(new Object());
            at(log, viewers.getLast(), 0);
        }
        for (Object viewer : viewers) {
            readToTheEnd(pages, log, job, viewer, 0);
        }
        assertThat(storeReads.get()).isEqualTo(13); // 100 events in pages of 8, by the first viewer only
    }

    @Test
    void whatNoOtherReaderIsBehindIsNotKept() {
        SharedPages pages = new SharedPages(this::store, 1 << 20, 1 << 20);
        JobLog log = new JobLog(100);
        readToTheEnd(pages, log, job, "alone", 0);
        assertThat(pages.keptBytes()).isZero();
        readToTheEnd(pages, log, job, "a replay after it", 0);
        assertThat(storeReads.get()).isEqualTo(26);
    }

    @Test
    void aPageStartsWhereAskedAndStopsAtWhatIsNotKept() {
        SharedPages pages = new SharedPages(this::store, 1 << 20, 1 << 20);
        JobLog log = logWithReaders("behind", 0L, "reader", 10L);
        pages.read(job, log, 10, 100, 8); // keeps 11..18: "behind" will need them
        assertThat(seqs(pages.read(job, log, 14, 100, 8))).containsExactly(15L, 16L, 17L, 18L);
        assertThat(storeReads.get()).isEqualTo(1);
        assertThat(seqs(pages.read(job, log, 18, 100, 8))).containsExactly(19L, 20L, 21L, 22L, 23L, 24L, 25L, 26L);
        assertThat(seqs(pages.read(job, log, 14, 16, 8))).containsExactly(15L, 16L); // never past upToSeq
        assertThat(storeReads.get()).isEqualTo(2);
    }

    @Test
    void aStoreReadStopsWhereWhatIsKeptBegins() {
        SharedPages pages = new SharedPages(this::store, 1 << 20, 1 << 20);
        JobLog log = logWithReaders("behind", 0L, "reader", 10L);
        pages.read(job, log, 10, 100, 8); // keeps 11..18
        assertThat(seqs(pages.read(job, log, 7, 100, 8))).containsExactly(8L, 9L, 10L); // from the store
        assertThat(seqs(pages.read(job, log, 10, 100, 8))).first().isEqualTo(11L);
        assertThat(storeReads.get()).isEqualTo(2);
    }

    @Test
    void overBudgetWhatIsNeededLastGoesFirstAndWhatNoReaderNeedsBeforeThat() {
        // Room for 20 events of 1000 bytes. "slow" at 0 and "middle" at 40; "fast" reads ahead of them.
        SharedPages pages = new SharedPages(this::store, 20_000, 1 << 20);
        JobLog log = logWithReaders("slow", 0L, "middle", 40L);
        for (long after = 40; after < 64; after += 8) {
            at(log, "fast", after);
            pages.read(job, log, after, 100, 8); // 41..48, 49..56, 57..64: 24 events
        }
        // 41..56 wait for "middle" (at 40), 57..64 for "fast" (at 56): furthest ahead of the nearest reader behind
        // are 53..56, needed last; the oldest read (41..44) is needed first, and stays.
        assertThat(pages.keptBytes()).isEqualTo(20_000);
        int reads = storeReads.get();
        assertThat(seqs(pages.read(job, log, 40, 100, 8))).containsExactly(41L, 42L, 43L, 44L, 45L, 46L, 47L, 48L);
        assertThat(seqs(pages.read(job, log, 48, 100, 8))).containsExactly(49L, 50L, 51L, 52L);
        assertThat(seqs(pages.read(job, log, 52, 100, 8))).containsExactly(53L, 54L, 55L, 56L); // read again
        assertThat(storeReads.get()).isEqualTo(reads + 1);

        for (String reader : List.of("slow", "middle", "fast")) {
            at(log, reader, 64); // all of it is behind every reader now
        }
        at(log, "fast", 72);
        pages.read(job, log, 64, 100, 8); // 65..72 wanted by "slow" and "middle": kept, what nobody needs goes
        reads = storeReads.get();
        assertThat(seqs(pages.read(job, log, 64, 100, 8))).hasSize(8);
        assertThat(storeReads.get()).isEqualTo(reads);
    }

    @Test
    void keepsAtMostSoMuchPerReader() {
        SharedPages pages = new SharedPages(this::store, 1 << 20, 5_000); // two readers: 10 events of 1000 bytes
        JobLog log = logWithReaders("behind", 0L);
        readToTheEnd(pages, log, job, "ahead", 0);
        assertThat(pages.keptBytes()).isEqualTo(10_000);
        readToTheEnd(pages, log, job, "behind", 0);
        assertThat(storeReads.get()).isGreaterThan(13);
    }

    @Test
    void jobsDoNotSeeEachOthersEvents() {
        SharedPages pages = new SharedPages(this::store, 1 << 20, 1 << 20);
        JobLog log = logWithReaders("behind", 0L, "reader", 0L);
        pages.read(job, log, 0, 100, 8);
        assertThat(pages.read(UUID.randomUUID(), log, 0, 100, 8)).isEmpty();
    }

    @Test
    void atMostFourStoreReadsAtOnce() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        SharedPages pages = new SharedPages(
                (id, after, upTo, limit) -> {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inside.decrementAndGet();
                    return List.of();
                },
                1 << 20,
                1 << 20);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 12; i++) {
                UUID other = UUID.randomUUID();
                threads.execute(() -> pages.read(other, new JobLog(10), 0, 10, 8));
            }
            Thread.sleep(200); // let them all arrive: only four get in
            assertThat(inside.get()).isEqualTo(SharedPages.STORE_READERS);
            release.countDown();
        }
        assertThat(most.get()).isEqualTo(SharedPages.STORE_READERS);
    }

    @Test
    void whatATailLetsGoOfWhileAReaderIsBehindItIsReadFromMemory() {
        SharedPages pages = new SharedPages(this::store);
        JobLog log = new JobLog(0, pages);
        Object behind = new Object();
        log.read(behind, 0, 1);
        long events = 2 * JobLog.TAIL_BYTES / 65536;
        for (long seq = 1; seq <= events; seq++) {
            log.append(new Chunk(job, seq, LogStream.STDOUT, Instant.EPOCH, new byte[65536]));
        }
        log.durableUpTo(events); // the tail lets go of half, which the reader still needs
        assertThat(log.beforeTail()).isPositive();
        assertThat(pages.keptBytes())
                .as("one reader's share, what it needs first")
                .isEqualTo(SharedPages.BYTES_PER_READER);

        List<Chunk> page = pages.read(job, log, 0, log.beforeTail(), 8);
        assertThat(seqs(page)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(storeReads).as("none of it read back from the store").hasValue(0);
    }

    @Test
    void whatNoReaderIsBehindIsNotKept() {
        SharedPages pages = new SharedPages(this::store);
        JobLog log = new JobLog(0, pages);
        Object keepsUp = new Object();
        long events = 2 * JobLog.TAIL_BYTES / 65536;
        for (long seq = 1; seq <= events; seq++) {
            log.append(new Chunk(job, seq, LogStream.STDOUT, Instant.EPOCH, new byte[65536]));
            log.read(keepsUp, seq, 1);
        }
        log.durableUpTo(events);
        assertThat(pages.keptBytes()).isZero();
    }
}
