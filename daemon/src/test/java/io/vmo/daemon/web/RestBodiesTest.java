package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.protocol.Codec;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.ProjectInfo;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The REST API's own bodies, pinned as the Jackson-databind codec wrote them (see the protocol's WireFormatTest):
 * records of the daemon's, written by the protocol's codec like the messages inside them.
 */
class RestBodiesTest {

    private final Codec codec = new Codec();

    @Test
    void healthLeavesOutWhatItDoesNotKnow() {
        assertThat(codec.encode(new RestHandler.Health("ok", "ok", null, null)))
                .isEqualTo("{\"status\":\"ok\",\"store\":\"ok\"}");
        assertThat(codec.encode(new RestHandler.Health(
                        "unavailable", "down", "connection refused", Instant.parse("2026-11-23T10:00:00.5Z"))))
                .isEqualTo("{\"status\":\"unavailable\",\"store\":\"down\",\"problem\":\"connection refused\","
                        + "\"since\":\"2026-11-23T10:00:00.500Z\"}");
    }

    @Test
    void listsAreNamedObjects() {
        var job = new JobInfo(
                "j1",
                "make",
                "vm",
                "ok",
                List.of(),
                null,
                List.of("make", "ok"),
                JobStatus.SUCCESS,
                0,
                Instant.EPOCH,
                Instant.EPOCH,
                3,
                false,
                null);
        assertThat(codec.encode(new Routes.Jobs(List.of(job))))
                .isEqualTo("{\"jobs\":[{\"id\":\"j1\",\"kind\":\"make\",\"project\":\"vm\",\"target\":\"ok\","
                        + "\"args\":[],\"vm\":null,\"command\":[\"make\",\"ok\"],\"status\":\"success\",\"exitCode\":0,"
                        + "\"startedAt\":\"1970-01-01T00:00:00Z\",\"finishedAt\":\"1970-01-01T00:00:00Z\","
                        + "\"lastSeq\":3,\"interactive\":false,\"provenance\":{\"user\":\"owner\",\"client\":null,"
                        + "\"clientVersion\":null,\"peer\":null,\"osUser\":null,\"osHost\":null}}]}");
        assertThat(codec.encode(new Routes.Events(
                        "j1", List.of(new Response.JobLog("j1", 1, LogStream.SYSTEM, "started", Instant.EPOCH)), 1)))
                .isEqualTo("{\"jobId\":\"j1\",\"events\":[{\"type\":\"job:log\",\"jobId\":\"j1\",\"seq\":1,"
                        + "\"stream\":\"system\",\"chunk\":\"started\",\"ts\":\"1970-01-01T00:00:00Z\",\"v\":1}],"
                        + "\"lastSeq\":1}");
        assertThat(codec.encode(new Routes.Projects(List.of(new ProjectInfo("vm", "/p", null)))))
                .isEqualTo("{\"projects\":[{\"alias\":\"vm\",\"dir\":\"/p\",\"problem\":null}]}");
        assertThat(codec.encode(new Routes.Vms(
                        List.of(new VmInfo("a", "e", "h", "u", "s", "vm-config", Map.of("p", List.of("x")), null)))))
                .isEqualTo("{\"vms\":[{\"name\":\"a\",\"environment\":\"e\",\"host\":\"h\",\"user\":\"u\","
                        + "\"sshHost\":\"s\",\"source\":\"vm-config\",\"presets\":{\"p\":[\"x\"]},\"problem\":null}]}");
    }

    @Test
    void sessionAndLoginLink() {
        assertThat(codec.encode(new RestHandler.Session(true, "alice", io.vmo.protocol.Role.VIEWER)))
                .isEqualTo("{\"authenticated\":true,\"user\":\"alice\",\"role\":\"viewer\"}");
        assertThat(codec.encode(new RestHandler.LoginLink("/login?token=abc", "alice")))
                .isEqualTo("{\"path\":\"/login?token=abc\",\"user\":\"alice\"}");
    }
}
