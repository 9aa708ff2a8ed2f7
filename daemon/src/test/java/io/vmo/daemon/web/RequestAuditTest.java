package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.daemon.access.Caller;
import io.vmo.daemon.access.ClientKind;
import io.vmo.daemon.audit.AuditEntry;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.Role;
import io.vmo.protocol.UserInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which requests become audit rows, and what they say. */
class RequestAuditTest {

    final List<AuditEntry> trail = new ArrayList<>();
    final RequestAudit audit = new RequestAudit(trail::add);
    final Caller cli = new Caller("owner", Role.ADMIN, ClientKind.CLI, "0.1.0", "127.0.0.1", "dev", "laptop");

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
            true,
            null);

    @Test
    void aJobStartedIsARowWithoutItsArguments() {
        var request = new Request.ExecuteCommand("r1", "vm", "create", List.of("PASSWORD=hunter2"));
        audit.outcome(request, cli, new Response.JobStarted("r1", JOB));
        assertThat(trail)
                .containsExactly(new AuditEntry(
                        "job.execute",
                        "owner",
                        "cli",
                        "127.0.0.1",
                        JOB.id(),
                        "ok",
                        "vm create (interactive); by cli 0.1.0, OS user dev on laptop"));
    }

    @Test
    void usersAddedAndRevokedAreRowsNamingThemWithoutTheToken() {
        var bob = new UserInfo("bob", Role.VIEWER, Instant.EPOCH, "owner", null);
        audit.outcome(new Request.AddUser("r1", "bob", Role.VIEWER), cli, new Response.UserAdded("r1", bob, "s3cret"));
        audit.outcome(new Request.RevokeUser("r2", "bob"), cli, new Response.UserRevoked("r2", bob, 2));
        audit.outcome(
                new Request.CreateLoginLink("r3", "bob"),
                cli,
                new Response.LoginLink("r3", "/login?token=s3cret", "bob"));
        assertThat(trail)
                .containsExactly(
                        new AuditEntry("user.add", "owner", "cli", "127.0.0.1", "bob", "ok", "viewer"),
                        new AuditEntry(
                                "user.revoke", "owner", "cli", "127.0.0.1", "bob", "ok", "2 browser sessions ended"),
                        new AuditEntry("login-link.create", "owner", "cli", "127.0.0.1", "bob", "ok", null));
    }

    @Test
    void aRefusalIsARowEvenForARead() {
        var viewer = new Caller("bob", Role.VIEWER, ClientKind.REST, "curl/8", "10.0.0.2", null, null);
        audit.refused(new Request.ListAudit("r1", null, null, null), viewer, ErrorCode.FORBIDDEN, "needs role admin");
        audit.refused(new Request.ExecuteCommand("r2", "web", "build", List.of()), viewer, ErrorCode.FORBIDDEN, "x");
        assertThat(trail)
                .containsExactly(
                        new AuditEntry(
                                "request",
                                "bob",
                                "rest",
                                "10.0.0.2",
                                "list-audit",
                                "refused",
                                "forbidden: needs role admin"),
                        new AuditEntry(
                                "job.execute", "bob", "rest", "10.0.0.2", "web build", "refused", "forbidden: x"));
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
