package io.vmo.daemon.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chain, its one writer and its verification, over a store in memory. */
class AuditTrailTest {

    @TempDir
    Path dir;

    final FakeAuditStore store = new FakeAuditStore();
    final AuditChain chain = new AuditChain(new AuditKey(new byte[32]));
    final List<AuditWriter> writers = new ArrayList<>();

    @AfterEach
    void stop() {
        writers.forEach(AuditWriter::close);
    }

    AuditWriter writer() {
        var writer = new AuditWriter(store, chain, new AuditHeadFile(dir.resolve("audit.head")), Clock.systemUTC());
        writers.add(writer);
        return writer;
    }

    AuditReader reader(AuditWriter writer) {
        return new AuditReader(store, chain, writer::kept);
    }

    static AuditEntry entry(String action) {
        return new AuditEntry(action, "owner", "cli", "127.0.0.1", "job-1", AuditEntry.OK, null);
    }

    void write(AuditWriter writer, int n) throws Exception {
        CompletableFuture<Void> last = null;
        for (int i = 0; i < n; i++) {
            last = writer.enqueue(entry("job.execute"));
        }
        last.get(10, TimeUnit.SECONDS);
    }

    @Test
    void chainsEveryRowFromThePreviousAndKeepsTheHeadOutsideTheStore() throws Exception {
        AuditWriter writer = writer();
        write(writer, 5);
        assertThat(store.rows.keySet()).containsExactly(1L, 2L, 3L, 4L, 5L);
        byte[] previous = AuditChain.GENESIS;
        for (AuditRow row : store.rows.values()) {
            assertThat(row.mac()).isEqualTo(chain.mac(store.head.chain(), previous, row.seq(), row.at(), row.entry()));
            previous = row.mac();
        }
        assertThat(Files.readString(dir.resolve("audit.head")))
                .startsWith("v1 " + store.head.chain() + " 5 ")
                .contains(java.util.HexFormat.of().formatHex(previous));
        assertThat(Files.getPosixFilePermissions(dir.resolve("audit.head")))
                .containsExactlyInAnyOrderElementsOf(io.vmo.daemon.PrivateFiles.FILE);
        AuditReader.Verdict verdict = reader(writer).verify();
        assertThat(verdict.ok()).as(verdict.toString()).isTrue();
        assertThat(verdict.rows()).isEqualTo(5);
        assertThat(verdict.headSeq()).isEqualTo(5);
    }

    @Test
    void theMacCoversEveryFieldTheSeqAndTheChain() {
        UUID id = UUID.randomUUID();
        var at = AuditChain.stored(java.time.Instant.now());
        var e = new AuditEntry("a", "u", "cli", "p", "s", AuditEntry.OK, "d");
        byte[] mac = chain.mac(id, AuditChain.GENESIS, 1, at, e);
        List<byte[]> others = List.of(
                chain.mac(UUID.randomUUID(), AuditChain.GENESIS, 1, at, e),
                chain.mac(id, new byte[] {1}, 1, at, e),
                chain.mac(id, AuditChain.GENESIS, 2, at, e),
                chain.mac(id, AuditChain.GENESIS, 1, at.plusNanos(1000), e),
                chain.mac(id, AuditChain.GENESIS, 1, at, new AuditEntry("a", null, "cli", "p", "s", "ok", "d")),
                // a field's end moved into the next: the lengths tell them apart
                chain.mac(id, AuditChain.GENESIS, 1, at, new AuditEntry("a", "uc", "li", "p", "s", "ok", "d")),
                chain.mac(id, AuditChain.GENESIS, 1, at, new AuditEntry("a", "u", "cli", "p", "s", "refused", "d")),
                chain.mac(id, AuditChain.GENESIS, 1, at, new AuditEntry("a", "u", "cli", "p", "s", "ok", "")),
                new AuditChain(new AuditKey(new byte[] {1})).mac(id, AuditChain.GENESIS, 1, at, e));
        for (byte[] other : others) {
            assertThat(other).isNotEqualTo(mac);
        }
    }

    @Test
    void namesARowAlteredBehindTheTriggersBack() throws Exception {
        AuditWriter writer = writer();
        write(writer, 5);
        store.edit(3, new AuditEntry("job.execute", "owner", "cli", "127.0.0.1", "job-1", AuditEntry.FAILED, null));
        AuditReader.Verdict verdict = reader(writer).verify();
        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.badSeq()).isEqualTo(3);
        assertThat(verdict.lastSeq()).isEqualTo(2);
        assertThat(verdict.problem()).contains("row 3 (").contains("was altered after it was written");
        assertThat(verdict.advice()).contains("rows before seq 3 are intact");
    }

    @Test
    void namesARowDeletedFromTheMiddle() throws Exception {
        AuditWriter writer = writer();
        write(writer, 6);
        store.rows.remove(3L);
        store.rows.remove(4L);
        AuditReader.Verdict verdict = reader(writer).verify();
        assertThat(verdict.badSeq()).isEqualTo(3);
        assertThat(verdict.problem()).startsWith("rows 3 to 4 are missing: deleted from the middle");
    }

    @Test
    void aTailDeletedWithItsHeadRowRewoundIsCaughtByTheHeadKeptOutside() throws Exception {
        AuditWriter writer = writer();
        write(writer, 6);
        rewindTo(4);
        AuditReader.Verdict verdict = reader(writer).verify();
        assertThat(verdict.badSeq()).isEqualTo(5);
        assertThat(verdict.problem())
                .startsWith("rows 5 to 6 were deleted from the end of the trail")
                .contains("audit.head");
    }

    @Test
    void aTailDeletedAloneIsCaughtByTheHeadRow() throws Exception {
        AuditWriter writer = writer();
        write(writer, 6);
        store.rows.remove(6L);
        AuditReader.Verdict verdict = new AuditReader(store, chain, () -> null).verify(); // no head file at all
        assertThat(verdict.badSeq()).isEqualTo(6);
        assertThat(verdict.problem()).contains("the database's own head row says the trail reaches seq 6");
    }

    @Test
    void writingOnAfterATailWasDeletedLeavesTheGapVisible() throws Exception {
        AuditWriter writer = writer();
        write(writer, 6);
        rewindTo(4);
        write(writer, 1); // chains on from the daemon's own head: seq 7, not a second seq 5
        assertThat(store.rows.keySet()).containsExactly(1L, 2L, 3L, 4L, 7L);
        assertThat(reader(writer).verify().problem()).startsWith("rows 5 to 6 are missing");
    }

    @Test
    void aRestartedDaemonRemembersHowFarItWrote() throws Exception {
        AuditWriter first = writer();
        write(first, 6);
        first.close();
        rewindTo(4); // while no daemon runs
        AuditWriter second = writer();
        assertThat(second.kept().seq()).isEqualTo(6);
        assertThat(reader(second).verify().problem()).startsWith("rows 5 to 6 were deleted from the end");
    }

    @Test
    void aHeadFileOfAnotherDatabaseIsMovedAsideNotTrusted() throws Exception {
        UUID other = UUID.randomUUID();
        new AuditHeadFile(dir.resolve("audit.head")).write(new AuditHeadFile.KeptHead(other, 99, AuditChain.GENESIS));
        AuditWriter writer = writer();
        assertThat(writer.kept()).isNull();
        assertThat(dir.resolve("audit.head." + other)).exists();
        write(writer, 2);
        assertThat(reader(writer).verify().ok()).isTrue();
    }

    @Test
    void aMovedAnchorWithoutAPruneRowIsNamed() throws Exception {
        AuditWriter writer = writer();
        write(writer, 5);
        AuditRow second = store.rows.get(2L);
        store.rows.headMap(2L, true).clear();
        store.head = new AuditStore.Head(store.head.chain(), store.head.seq(), store.head.mac(), 2, second.mac());
        AuditReader.Verdict verdict = reader(writer).verify();
        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.problem()).contains("no audit.prune row");
    }

    @Test
    void concurrentRecordersAndASecondWriterNeverForkTheChain() throws Exception {
        AuditWriter one = writer();
        AuditWriter two = writer(); // as a second process on the same database would be: the head's lock orders them
        List<CompletableFuture<Void>> all = new ArrayList<>();
        List<Thread> threads = IntStream.range(0, 8)
                .mapToObj(t -> Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 250; i++) {
                        var f = (t % 2 == 0 ? one : two).enqueue(entry("job.input"));
                        synchronized (all) {
                            all.add(f);
                        }
                    }
                }))
                .toList();
        for (Thread t : threads) {
            t.join();
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        assertThat(store.rows).hasSize(2000);
        assertThat(store.rows.lastKey()).isEqualTo(2000);
        assertThat(reader(one).verify().ok()).isTrue();
        assertThat(reader(two).verify().ok()).isTrue();
    }

    @Test
    void anOutageDelaysRowsNeverLosesThemAndNeverBlocksARecorder() throws Exception {
        AuditWriter writer = writer();
        store.down = true;
        long started = System.nanoTime();
        List<CompletableFuture<Void>> written = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            written.add(writer.enqueue(entry("job.execute")));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        Thread.sleep(300); // a few failed attempts
        assertThat(store.rows).isEmpty();
        store.down = false;
        CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(store.rows).hasSize(1000);
        assertThat(reader(writer).verify().ok()).isTrue();
    }

    @Test
    void beyondTheQueueEntriesAreCountedAndTheCountIsRecorded() throws Exception {
        AuditWriter writer = writer();
        store.down = true;
        writer.record(entry("access"));
        Thread.sleep(300); // the writer holds that one, retrying: from now on the queue alone holds entries
        for (int i = 0; i < AuditWriter.MAX_QUEUED + 10; i++) {
            writer.record(entry("access"));
        }
        store.down = false;
        CompletableFuture<Void> after = null;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                System.nanoTime() < deadline && after == null; ) {
            Thread.sleep(50);
            if (store.rows.size() >= AuditWriter.MAX_QUEUED) {
                after = writer.enqueue(entry("last"));
            }
        }
        assertThat(after).isNotNull();
        after.get(10, TimeUnit.SECONDS);
        AuditRow overflow = store.rows.values().stream()
                .filter(r -> r.entry().action().equals("audit.overflow"))
                .findFirst()
                .orElseThrow();
        assertThat(overflow.entry().detail()).matches("\\d+ audit entries were not recorded: .*");
        long lost = Long.parseLong(overflow.entry().detail().split(" ")[0]);
        long kept = store.rows.values().stream()
                .filter(r -> r.entry().action().equals("access"))
                .count();
        assertThat(lost).isEqualTo(10);
        assertThat(kept).as("the one held and the queue's").isEqualTo(AuditWriter.MAX_QUEUED + 1);
        assertThat(reader(writer).verify().ok()).isTrue();
    }

    @Test
    void listsTheNewestOfAUserOldestFirst() throws Exception {
        AuditWriter writer = writer();
        writer.enqueue(new AuditEntry("access", null, null, "10.0.0.1", "GET /api/jobs", AuditEntry.REFUSED, null));
        write(writer, 3);
        var events = reader(writer).list(null, "owner", 2);
        assertThat(events).extracting(e -> e.seq()).containsExactly(3L, 4L);
    }

    @Test
    void pruningLeavesAnAnchorAndARowThatAccountsForIt() throws Exception {
        var clock = new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2025-01-01T00:00:00Z"));
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return clock.get();
            }
        };
        var writer = new AuditWriter(store, chain, new AuditHeadFile(dir.resolve("audit.head")), moving);
        writers.add(writer);
        write(writer, 3); // a year and more ago
        clock.set(java.time.Instant.parse("2026-12-01T00:00:00Z"));
        write(writer, 2);
        new AuditPruner(writer, () -> 365, moving).pruneNow().get(10, TimeUnit.SECONDS);
        assertThat(store.rows.keySet()).containsExactly(4L, 5L, 6L);
        assertThat(store.head.prunedSeq()).isEqualTo(3);
        AuditRow prune = store.rows.get(6L);
        assertThat(prune.entry().action()).isEqualTo(AuditPruner.ACTION);
        assertThat(prune.entry().subject()).isEqualTo("through seq 3");
        assertThat(prune.entry().detail())
                .startsWith("removed the rows recorded before 2025-12-01T00:00:00Z (audit.retention_days: 365 in"
                        + " config.yml); the trail now chains from MAC ");
        AuditReader.Verdict verdict = reader(writer).verify();
        assertThat(verdict.ok()).as(verdict.toString()).isTrue();
        assertThat(verdict.firstSeq()).isEqualTo(4);

        new AuditPruner(writer, () -> 365, moving).pruneNow().get(10, TimeUnit.SECONDS);
        assertThat(store.rows).as("nothing old enough: no row either").hasSize(3);

        AuditRow fourth = store.rows.remove(4L); // and the anchor moved over it, as SQL could: no prune row says so
        store.head = new AuditStore.Head(store.head.chain(), store.head.seq(), store.head.mac(), 4, fourth.mac());
        assertThat(reader(writer).verify().problem()).contains("no audit.prune row in it says it was pruned there");
    }

    /** Deletes the rows after {@code seq} and moves the head row back to it, as SQL with triggers off could. */
    private void rewindTo(long seq) {
        store.rows.tailMap(seq, false).clear();
        AuditRow last = store.rows.get(seq);
        store.head = new AuditStore.Head(store.head.chain(), seq, last.mac(), 0, AuditChain.GENESIS);
    }
}
