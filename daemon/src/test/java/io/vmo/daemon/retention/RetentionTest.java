package io.vmo.daemon.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.daemon.RetentionPolicy;
import io.vmo.daemon.Settings;
import io.vmo.daemon.audit.AuditEntry;
import io.vmo.daemon.audit.AuditTrail;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.PrunedJob;
import io.vmo.protocol.VmoException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RetentionTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    /** Holds candidates and "output rows" per job; records what was asked of it. */
    static class FakeStore implements Retention.Store {
        final List<PrunedJob> candidates = new ArrayList<>();
        final Map<UUID, int[]> rows = new java.util.HashMap<>();
        final List<String> calls = new ArrayList<>();
        Instant cutoff;

        void add(int rowCount, long bytes) {
            UUID id = UUID.randomUUID();
            candidates.add(new PrunedJob(
                    id.toString(),
                    "make",
                    "p",
                    "t",
                    null,
                    List.of(),
                    JobStatus.SUCCESS,
                    NOW.minus(Duration.ofDays(40)),
                    NOW.minus(Duration.ofDays(40)),
                    bytes));
            rows.put(id, new int[] {rowCount});
        }

        @Override
        public List<PrunedJob> candidates(RetentionPolicy policy, Instant cutoff) {
            this.cutoff = cutoff;
            return List.copyOf(candidates);
        }

        @Override
        public int removeEvents(List<UUID> jobs, int maxRows) {
            int deleted = 0;
            for (UUID id : jobs) {
                int[] left = rows.get(id);
                int n = Math.min(left[0], maxRows - deleted);
                left[0] -= n;
                deleted += n;
            }
            calls.add("events " + jobs.size() + " " + deleted);
            return deleted;
        }

        @Override
        public void removeJobs(List<UUID> jobs) {
            calls.add("jobs " + jobs.size());
        }

        @Override
        public void vacuum() {
            calls.add("vacuum");
        }

        @Override
        public Retention.Facts facts() {
            return new Retention.Facts(1000, 500, 3, "id", NOW);
        }
    }

    private final FakeStore store = new FakeStore();
    private final List<Duration> pauses = new ArrayList<>();

    private Retention retention(Settings settings) {
        return new Retention(store, () -> settings, Clock.fixed(NOW, ZoneOffset.UTC), pauses::add, AuditTrail.NONE);
    }

    private static Settings settings(RetentionPolicy policy, String problem) {
        return new Settings(List.of(), null, Map.of(), Map.of(), policy, null, problem);
    }

    @Test
    void deletesOutputInSmallTransactionsWithAPauseAfterEachThenTheJobsThenVacuums() {
        store.add(Retention.ROWS_PER_TRANSACTION + 500, 1000);
        store.add(700, 2000);
        var report = retention(settings(new RetentionPolicy(30, 5), null)).prune("r1", false, "test");

        assertThat(store.cutoff).isEqualTo(NOW.minus(Duration.ofDays(30)));
        assertThat(store.calls).containsExactly("events 2 1000", "events 2 1000", "events 2 200", "jobs 2", "vacuum");
        assertThat(pauses).hasSize(3);
        assertThat(report.jobs()).isEqualTo(2);
        assertThat(report.bytes()).isEqualTo(3000);
        assertThat(report.removed()).hasSize(2);
        assertThat(report.dryRun()).isFalse();
        assertThat(retention(settings(RetentionPolicy.DEFAULT, null)).storage().lastPrunedAt())
                .as("another instance has run nothing")
                .isNull();
    }

    @Test
    void aDryRunDeletesNothing() {
        store.add(10, 100);
        Retention retention = retention(settings(RetentionPolicy.DEFAULT, null));
        var report = retention.prune(null, true, "test");
        assertThat(report.jobs()).isEqualTo(1);
        assertThat(report.dryRun()).isTrue();
        assertThat(store.calls).isEmpty();
        assertThat(retention.storage().lastPrunedAt())
                .as("a dry run is no prune")
                .isNull();
    }

    @Test
    void batchesOfJobsGoTogether() {
        for (int i = 0; i < Retention.JOBS_PER_BATCH + 1; i++) {
            store.add(1, 1);
        }
        Retention retention = retention(settings(RetentionPolicy.DEFAULT, null));
        retention.prune(null, false, "test");
        assertThat(store.calls)
                .containsExactly(
                        "events " + Retention.JOBS_PER_BATCH + " " + Retention.JOBS_PER_BATCH,
                        "jobs " + Retention.JOBS_PER_BATCH,
                        "events 1 1",
                        "jobs 1",
                        "vacuum");
        var storage = retention.storage();
        assertThat(storage.lastPrunedJobs()).isEqualTo(Retention.JOBS_PER_BATCH + 1L);
        assertThat(storage.lastPrunedAt()).isEqualTo(NOW);
        assertThat(storage.databaseBytes()).isEqualTo(1000);
    }

    @Test
    void aConfigFileThatCannotBeUsedPrunesNothing() {
        store.add(10, 100);
        Retention retention = retention(settings(RetentionPolicy.DEFAULT, "config.yml cannot be read: tabs"));
        assertThatThrownBy(() -> retention.prune(null, false, "test"))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG))
                .hasMessageContaining("nothing pruned: config.yml cannot be read: tabs");
        assertThat(store.calls).isEmpty();
        assertThat(store.cutoff).isNull();
        assertThat(retention.storage().problem()).isEqualTo("config.yml cannot be read: tabs");
    }

    @Test
    void prunesOnItsOwnThreadWithoutBeingAskedAndKeepsGoingAfterAFailure() throws Exception {
        var threads = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var recorded = new java.util.concurrent.CopyOnWriteArrayList<AuditEntry>();
        var twoRecorded = new java.util.concurrent.CountDownLatch(2);
        var runs = new java.util.concurrent.CountDownLatch(2);
        FakeStore counting = new FakeStore() {
            @Override
            public List<PrunedJob> candidates(RetentionPolicy policy, Instant cutoff) {
                threads.add(Thread.currentThread().getName());
                runs.countDown();
                if (runs.getCount() == 1) {
                    throw new IllegalStateException("the store is down"); // the first run fails, the next still comes
                }
                return super.candidates(policy, cutoff);
            }
        };
        counting.add(1, 1);
        try (Retention retention = new Retention(
                counting,
                () -> settings(RetentionPolicy.DEFAULT, null),
                Clock.fixed(NOW, ZoneOffset.UTC),
                pauses::add,
                entry -> {
                    recorded.add(entry);
                    twoRecorded.countDown();
                })) {
            retention.startDaily(Duration.ofMillis(10), Duration.ofMillis(10));
            assertThat(runs.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(twoRecorded.await(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            assertThat(threads).first().isEqualTo("vmo-retention");
        }
        // Each daily run is in the audit trail, the failed one too (no user: nobody asked).
        assertThat(recorded)
                .extracting(AuditEntry::action, AuditEntry::user, AuditEntry::client, AuditEntry::outcome)
                .startsWith(
                        org.assertj.core.groups.Tuple.tuple(Retention.ACTION, null, "daily", AuditEntry.FAILED),
                        org.assertj.core.groups.Tuple.tuple(Retention.ACTION, null, "daily", AuditEntry.OK));
    }
}
