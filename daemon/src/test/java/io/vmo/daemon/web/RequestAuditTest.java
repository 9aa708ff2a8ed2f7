package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.daemon.audit.AuditEntry;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which requests become audit rows, and what they say. */
class RequestAuditTest {

    final List<AuditEntry> trail = new ArrayList<>();
    final RequestAudit audit = new RequestAudit(trail::add);
    final Caller cli = new Caller("owner", Caller.CLI, "127.0.0.1");

    static final JobInfo JOB = new JobInfo(
            "3f2a0c1e-5b7d-4e8f-9a10-112233445566",
            "make",
            "vm",
            "create",
            List.of("PASSWORD=hunter2"),
            null,
            List.of("make", "-C", "/p", "create", "PASSWORD=hunter2"),
            JobStatus.RUNNING,
            null,
            Instant.EPOCH,
            null,
            0,
            true);

    @Test
    void aJobStartedIsARowWithoutItsArguments() {
        var request = new Request.ExecuteCommand("r1", "vm", "create", List.of("PASSWORD=hunter2"));
        audit.outcome(request, cli, new Response.JobStarted("r1", JOB));
        assertThat(trail)
                .containsExactly(new AuditEntry(
                        "job.execute", "owner", "cli", "127.0.0.1", JOB.id(), "ok", "vm create (interactive)"));
    }

    @Test
    void refusedWhenNotAllowedOrInvalidFailedWhenTheDaemonCouldNot() {
        var request = new Request.ExecuteCommand("r1", "vm", "create", List.of());
        audit.outcome(request, cli, new Response.ErrorReply("r1", ErrorCode.INVALID_ARGUMENT, "MAKEFLAGS is make's"));
        audit.outcome(request, cli, new Response.ErrorReply("r1", ErrorCode.STORE_UNAVAILABLE, "down"));
        assertThat(trail)
                .extracting(AuditEntry::action, AuditEntry::subject, AuditEntry::outcome, AuditEntry::detail)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("job.execute", "vm create", "refused", "invalid-argument"),
                        org.assertj.core.groups.Tuple.tuple("job.execute", "vm create", "failed", "store-unavailable"));
    }

    @Test
    void readsAreNotRecordedUnlessRefusedAsInvalid() {
        audit.outcome(new Request.ListJobs("r2", 5), cli, new Response.JobList("r2", List.of()));
        audit.outcome(new Request.GetJob("r3", "zz"), cli, new Response.ErrorReply("r3", ErrorCode.UNKNOWN_JOB, "no"));
        assertThat(trail).isEmpty();
        audit.outcome(new Request.GetJob("r3", "zz"), cli, new Response.ErrorReply("r3", ErrorCode.BAD_REQUEST, "x"));
        assertThat(trail)
                .singleElement()
                .isEqualTo(new AuditEntry("request", "owner", "cli", "127.0.0.1", "get-job", "refused", "bad-request"));
    }

    @Test
    void typingIsOneMarkerPerConnectionAndJobNeverTheText() {
        Object one = new Object();
        Object two = new Object();
        for (int i = 0; i < 50; i++) {
            audit.typed(cli, one, "job-a");
        }
        audit.typed(cli, one, "job-b");
        audit.typed(cli, two, "job-a");
        assertThat(trail).hasSize(3).allSatisfy(e -> {
            assertThat(e.action()).isEqualTo("job.input");
            assertThat(e.detail()).isEqualTo("typed into the job's terminal (the text is not kept)");
        });
    }
}
