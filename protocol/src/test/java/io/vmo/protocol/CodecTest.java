package io.vmo.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
                        + "\"rows\":24}"))
                .isEqualTo(new Request.AttachJob("2", "3f2a", 80, 24));
        assertThat(codec.decode("{\"v\":1,\"type\":\"stdin\",\"jobId\":\"3f2a\",\"data\":\"yes\\r\"}"))
                .isEqualTo(new Request.Stdin(null, "3f2a", "yes\r"));
        assertThat(new Request.Stdin("7", "3f2a", "hunter2\r").toString())
                .as("what a failed request logs")
                .contains("3f2a")
                .doesNotContain("hunter2");
        assertThat(codec.decode("{\"v\":1,\"type\":\"resize\",\"jobId\":\"3f2a\",\"cols\":100,\"rows\":30}"))
                .isEqualTo(new Request.Resize(null, "3f2a", 100, 30));
        assertThat(codec.encode(new Response.JobLog("j", 9, LogStream.INPUT, "", Instant.EPOCH)))
                .contains("\"stream\":\"input\"")
                .contains("\"chunk\":\"\"");
        assertThat(codec.encode(new TargetInfo("create", null, true))).contains("\"interactive\":true");
        assertThat(codec.encode(new Request.ExecuteCommand("1", "vm", "status", List.of())))
                .doesNotContain("interactive");
    }

    /** What REST makes of a URL: the same request, the same errors as the socket's JSON. */
    @Test
    void fieldsDecodeExactlyAsTheSameJsonWouldTextNumbersIncluded() {
        assertThat(codec.decode(Map.of("v", 1, "type", "list-events", "jobId", "3f2a", "sinceSeq", "4", "limit", "10")))
                .isEqualTo(new Request.ListEvents(null, "3f2a", 4, 10));
        Map<Map<String, Object>, String> sameAsJson = Map.of(
                Map.of("v", 1, "type", "list-jobs", "limit", "5000"), "{\"v\":1,\"type\":\"list-jobs\",\"limit\":5000}",
                Map.of("v", 1, "type", "list-jobs", "limit", "x"), "{\"v\":1,\"type\":\"list-jobs\",\"limit\":\"x\"}");
        sameAsJson.forEach((fields, json) -> {
            var fromJson = catchThrowableOfType(VmoException.class, () -> codec.decode(json));
            assertThat(fromJson.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(fromJson.getMessage()).contains("limit");
            assertThatThrownBy(() -> codec.decode(fields)).isInstanceOfSatisfying(VmoException.class, e -> {
                assertThat(e.code()).isEqualTo(fromJson.code());
                assertThat(e.getMessage()).isEqualTo(fromJson.getMessage());
            });
        });
    }

    @Test
    void aSizeNeedsBothDimensionsInRange() {
        for (String json : List.of(
                "{\"v\":1,\"type\":\"attach-job\",\"jobId\":\"j\",\"cols\":80}",
                "{\"v\":1,\"type\":\"resize\",\"jobId\":\"j\",\"cols\":0,\"rows\":24}",
                "{\"v\":1,\"type\":\"resize\",\"jobId\":\"j\"}",
                "{\"v\":1,\"type\":\"stdin\",\"jobId\":\"j\"}",
                "{\"v\":1,\"type\":\"execute-command\",\"vm\":\"web-1\"}")) {
            assertThatThrownBy(() -> codec.decode(json))
                    .as(json)
                    .isInstanceOfSatisfying(
                            VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
    }

    @Test
    void logChunksKeepNulAndControlCharacters() {
        var log = new Response.JobLog(
                "j", 7, LogStream.STDERR, "a\u0000b\u001b[31m\uFFFD\n", Instant.parse("2026-11-23T10:00:00.123456Z"));
        String json = codec.encode(log);
        assertThat(json)
                .contains("\"stream\":\"stderr\"")
                .contains("\\u0000")
                .doesNotContain("\"data\"")
                .contains("\"jobId\":\"j\",\"seq\":7,\"stream\":\"stderr\",\"chunk\":");
        assertThat(codec.decode(json)).isEqualTo(log);
    }

    @Test
    void aBinaryLogFrameCarriesTheExactBytes() {
        byte[] data = {'a', 0, (byte) 0xff, (byte) 0xc3, '\n'};
        var log = new Response.JobLog(
                "3f2a0c1e-5b7d-4e8f-9a10-112233445566",
                1L << 40,
                LogStream.PTY,
                data,
                Instant.parse("2026-11-23T10:00:00.123456Z"));
        ByteBuffer frame = LogFrame.encode(log);
        assertThat(frame.remaining()).isEqualTo(LogFrame.HEADER_BYTES + data.length);
        assertThat(frame.get(0)).isEqualTo(LogFrame.KIND_JOB_LOG);
        assertThat(frame.get(25)).as("pty's stream code").isEqualTo((byte) 4);
        Response.JobLog decoded = LogFrame.decode(frame);
        assertThat(decoded).isEqualTo(log);
        assertThat(decoded.data()).isEqualTo(data).isNotSameAs(data);
        assertThat(decoded.chunk()).isEqualTo("a\u0000\uFFFD\uFFFD\n");
    }

    @Test
    void aBrokenBinaryFrameIsAClearError() {
        assertThatThrownBy(() -> LogFrame.decode(ByteBuffer.wrap(new byte[10])))
                .isInstanceOfSatisfying(VmoException.class, e -> assertThat(e).hasMessageContaining("34-byte"));
        ByteBuffer unknownKind = LogFrame.encode(new Response.JobLog(
                        java.util.UUID.randomUUID().toString(), 1, LogStream.STDOUT, "x", Instant.EPOCH))
                .put(0, (byte) 9);
        assertThatThrownBy(() -> LogFrame.decode(unknownKind))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE));
        ByteBuffer unknownStream = LogFrame.encode(new Response.JobLog(
                        java.util.UUID.randomUUID().toString(), 1, LogStream.STDOUT, "x", Instant.EPOCH))
                .put(25, (byte) 0);
        assertThatThrownBy(() -> LogFrame.decode(unknownStream)).hasMessageContaining("stream 0");
    }

    @Test
    void errorsCarryTheirStableCode() {
        String json = codec.encode(new Response.ErrorReply("x", ErrorCode.UNKNOWN_JOB, "no job"));
        assertThat(json).contains("\"code\":\"unknown-job\"").contains("\"type\":\"error\"");
    }

    @Test
    void malformedJsonIsBadJson() {
        assertThatThrownBy(() -> codec.decode("{not json"))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON));
        assertThatThrownBy(() -> codec.decode("[1,2]"))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON));
    }

    @Test
    void unknownTypeNamesTheRequestTypes() {
        assertThatThrownBy(() -> codec.decode("{\"v\":1,\"type\":\"format-disk\"}"))
                .isInstanceOfSatisfying(VmoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
                    assertThat(e.getMessage())
                            .contains("format-disk")
                            .contains("execute-command")
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
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThatThrownBy(() -> codec.decode("{\"type\":\"list-jobs\",\"limit\":0}"))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.getMessage()).contains("limit"));
    }

    @Test
    void otherVersionsAreRefused() {
        assertThatThrownBy(() -> codec.decode("{\"v\":2,\"type\":\"list-jobs\"}"))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION));
    }

    @Test
    void defaultsApply() {
        assertThat(codec.decode("{\"type\":\"list-jobs\"}")).isEqualTo(new Request.ListJobs(null, 20));
        assertThat(codec.decode("{\"type\":\"join-job\",\"jobId\":\"ab\"}"))
                .isEqualTo(new Request.JoinJob(null, "ab", 0));
    }
}
