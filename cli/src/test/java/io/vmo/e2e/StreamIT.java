package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.cli.DaemonClient;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Several jobs at once, and clients that join a job part-way: every event once, in order, no gap. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class StreamIT {

    static final int LINES = 2000;

    String databaseUrl;
    TestDaemon daemon;

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        databaseUrl = postgres.newDatabase();
        daemon = TestDaemon.start(tmp.resolve("home"), databaseUrl);
        daemon.addProject("vm", """
                count:
                \t@i=0; while [ $$i -lt %d ]; do echo "$(ID) out $$i"; echo "$(ID) err $$i" >&2; \\
                \t  [ $$((i %% 100)) -eq 0 ] && sleep 0.05; i=$$((i+1)); done
                slow:
                \t@for i in $$(seq 1 300); do echo "line $$i"; sleep 0.01; done
                """.formatted(LINES));
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void fiveConcurrentJobsEachGetExactlyTheirOwnOutput() throws Exception {
        List<CompletableFuture<Vmo.Result>> runs = new ArrayList<>();
        for (int job = 0; job < 5; job++) {
            var cli = daemon.cli("run", "vm", "count", "--", "ID=job" + job);
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return Vmo.run(cli);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<String> jobIds = new ArrayList<>();
        for (int job = 0; job < 5; job++) {
            Vmo.Result result = runs.get(job).get(120, TimeUnit.SECONDS);
            String id = "job" + job;
            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.out()).isEqualTo(lines(id, "out"));
            assertThat(result.err()).isEqualTo(lines(id, "err"));
        }
        try (DaemonClient client = daemon.connect()) {
            for (var job : client.call(new Request.ListJobs("1", 5), Response.JobList.class)
                    .jobs()) {
                String id = job.args().getFirst().substring("ID=".length());
                StoredJob stored = StoredJob.read(databaseUrl, job.id());
                assertThat(stored.status()).isEqualTo("success");
                assertThat(stored.text("stdout")).isEqualTo(lines(id, "out"));
                assertThat(stored.text("stderr")).isEqualTo(lines(id, "err"));
                assertThat(stored.seqs())
                        .isEqualTo(LongStream.rangeClosed(1, stored.events().size())
                                .boxed()
                                .toList());
                jobIds.add(id);
            }
        }
        assertThat(jobIds).containsExactlyInAnyOrder("job0", "job1", "job2", "job3", "job4");
    }

    @Test
    void joiningFromTheMiddleOfARunningJobGivesNoGapAndNoDuplicate() throws Exception {
        try (DaemonClient first = daemon.connect();
                DaemonClient second = daemon.connect()) {
            String jobId = first.call(
                            new Request.ExecuteCommand("1", "vm", "slow", List.of()), Response.JobStarted.class)
                    .job()
                    .id();
            CountDownLatch fiftySeen = new CountDownLatch(50);
            var firstEvents = CompletableFuture.supplyAsync(() -> collect(first, jobId, 0, fiftySeen));
            assertThat(fiftySeen.await(30, TimeUnit.SECONDS)).isTrue();
            var secondEvents = collect(second, jobId, 40, new CountDownLatch(0));
            List<Response.JobLog> all = firstEvents.get(60, TimeUnit.SECONDS);

            assertThat(seqs(all))
                    .isEqualTo(LongStream.rangeClosed(1, all.size()).boxed().toList());
            assertThat(secondEvents).isEqualTo(all.subList(40, all.size()));
            assertThat(all.stream().map(Response.JobLog::chunk).collect(Collectors.joining()))
                    .isEqualTo(IntStream.rangeClosed(1, 300)
                            .mapToObj(i -> "line " + i + "\n")
                            .collect(Collectors.joining()));
            StoredJob stored = StoredJob.read(databaseUrl, jobId);
            assertThat(stored.seqs()).isEqualTo(seqs(all));

            // after the end: the stored tail, then job:done
            try (DaemonClient late = daemon.connect()) {
                long last = all.getLast().seq();
                assertThat(collect(late, jobId, last - 3, new CountDownLatch(0)))
                        .isEqualTo(all.subList(all.size() - 3, all.size()));
            }
        }
    }

    /** Joins from sinceSeq and returns the job's log events until job:done. */
    private static List<Response.JobLog> collect(
            DaemonClient client, String jobId, long sinceSeq, CountDownLatch seen) {
        client.send(new Request.JoinJob(client.nextId(), jobId, sinceSeq));
        List<Response.JobLog> events = new ArrayList<>();
        for (Response r = client.next(); !(r instanceof Response.JobDone); r = client.next()) {
            if (r instanceof Response.JobLog log) {
                events.add(log);
                seen.countDown();
            }
            assertThat(r).isNotInstanceOf(Response.ErrorReply.class);
        }
        return events;
    }

    private static List<Long> seqs(List<Response.JobLog> events) {
        return events.stream().map(Response.JobLog::seq).toList();
    }

    private static String lines(String id, String stream) {
        return IntStream.range(0, LINES)
                .mapToObj(i -> id + " " + stream + " " + i + "\n")
                .collect(Collectors.joining());
    }
}
