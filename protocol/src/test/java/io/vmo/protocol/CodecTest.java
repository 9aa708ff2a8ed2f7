package io.vmo.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {

    private final Codec codec = new Codec();

    @Test
    void requestsRoundTripWithVersionAndType() {
        var request = new Request.ExecuteCommand("r1", "vm", "status", List.of("ENV=dev"));
        String json = codec.encode(request);
        assertThat(json).startsWith("{\"type\":\"execute-command\",\"v\":1,").contains("\"type\":\"execute-command\"");
        assertThat(codec.decode(json)).isEqualTo(request);
    }

    @Test
    void interactiveMessagesReadAsTheContractWritesThem() {
        assertThat(codec.decode("{\"v\":1,\"type\":\"execute-command\",\"id\":\"1\",\"project\":\"vm\","
                + "\"target\":\"create\",\"interactive\":true,\"cols\":120,\"rows\":40}"))
                .isEqualTo(new Request.ExecuteCommand("1", "vm", "create", List.of()).interactive(120, 40));
        assertThat(codec.decode("{\"v\":1,\"type\":\"execute-command\",\"vm\":\"web-1\",\"interactive\":true}"))
                .isEqualTo(new Request.ExecuteCommand(null, null, null, null, "web-1", null, true, null, null));
        assertThat(codec.decode("{\"v\":1,\"type\":\"attach-job\",\"id\":\"2\",\"jobId\":\"3f2a\",\"cols\":80,"
                + "\"rows\":24}")).isEqualTo(new Request.AttachJob("2", "3f2a", 80, 24));
        assertThat(codec.decode("{\"v\":1,\"type\":\"stdin\",\"jobId\":\"3f2a\",\"data\":\"yes\\r\"}"))
                .isEqualTo(new Request.Stdin(null, "3f2a", "yes\r"));
        assertThat(new Request.Stdin("7", "3f2a", "hunter2\r").toString()).as("what a failed request logs")
                .contains("3f2a").doesNotContain("hunter2");
        assertThat(codec.decode("{\"v\":1,\"type\":\"resize\",\"jobId\":\"3f2a\",\"cols\":100,\"rows\":30}"))
                .isEqualTo(new Request.Resize(null, "3f2a", 100, 30));
        assertThat(codec.encode(new Response.JobLog("j", 9, LogStream.INPUT, "", Instant.EPOCH)))
                .contains("\"stream\":\"input\"").contains("\"chunk\":\"\"");
        assertThat(codec.encode(new TargetInfo("create", null, true))).contains("\"interactive\":true");
        assertThat(codec.encode(new Request.ExecuteCommand("1", "vm", "status", List.of())))
                .doesNotContain("interactive");
    }

    @Test
    void aSizeNeedsBothDimensionsInRange() {
        for (String json : List.of(
                "{\"v\":1,\"type\":\"attach-job\",\"jobId\":\"j\",\"cols\":80}",
                "{\"v\":1,\"type\":\"resize\",\"jobId\":\"j\",\"cols\":0,\"rows\":24}",
                "{\"v\":1,\"type\":\"resize\",\"jobId\":\"j\"}",
                "{\"v\":1,\"type\":\"stdin\",\"jobId\":\"j\"}",
                "{\"v\":1,\"type\":\"execute-command\",\"vm\":\"web-1\"}")) {
            assertThatThrownBy(() -> codec.decode(json)).as(json).isInstanceOfSatisfying(VmoException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
    }

    @Test
    void logChunksKeepNulAndControlCharacters() {
        var log = new Response.JobLog("j", 7, LogStream.STDERR, "a\u0000b\u001b[31m\uFFFD\n",
                Instant.parse("2026-11-23T10:00:00.123456Z"));
        String json = codec.encode(log);
        assertThat(json).contains("\"stream\":\"stderr\"").contains("\\u0000");
        assertThat(codec.decode(json)).isEqualTo(log);
    }

    @Test
    void errorsCarryTheirStableCode() {
        String json = codec.encode(new Response.ErrorReply("x", ErrorCode.UNKNOWN_JOB, "no job"));
        assertThat(json).contains("\"code\":\"unknown-job\"").contains("\"type\":\"error\"");
    }

    @Test
    void malformedJsonIsBadJson() {
        assertThatThrownBy(() -> codec.decode("{not json"))
                .isInstanceOfSatisfying(VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON));
        assertThatThrownBy(() -> codec.decode("[1,2]"))
                .isInstanceOfSatisfying(VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON));
    }

    @Test
    void unknownTypeNamesTheRequestTypes() {
        assertThatThrownBy(() -> codec.decode("{\"v\":1,\"type\":\"format-disk\"}"))
                .isInstanceOfSatisfying(VmoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
                    assertThat(e.getMessage()).contains("format-disk").contains("execute-command")
                            .doesNotContain("job:log");
                });
    }

    @Test
    void missingFieldsAreNamed() {
        assertThatThrownBy(() -> codec.decode("{\"v\":1,\"type\":\"execute-command\",\"project\":\"vm\"}"))
                .isInstanceOfSatisfying(VmoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("\"target\" is required");
                });
        assertThatThrownBy(() -> codec.decode("{\"type\":\"join-job\",\"jobId\":\"a\",\"sinceSeq\":\"x\"}"))
                .isInstanceOfSatisfying(VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThatThrownBy(() -> codec.decode("{\"type\":\"list-jobs\",\"limit\":0}"))
                .isInstanceOfSatisfying(VmoException.class, e -> assertThat(e.getMessage()).contains("limit"));
    }

    @Test
    void otherVersionsAreRefused() {
        assertThatThrownBy(() -> codec.decode("{\"v\":2,\"type\":\"list-jobs\"}"))
                .isInstanceOfSatisfying(VmoException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION));
    }

    @Test
    void defaultsApply() {
        assertThat(codec.decode("{\"type\":\"list-jobs\"}")).isEqualTo(new Request.ListJobs(null, 20));
        assertThat(codec.decode("{\"type\":\"join-job\",\"jobId\":\"ab\"}")).isEqualTo(new Request.JoinJob(null, "ab", 0));
    }
}
