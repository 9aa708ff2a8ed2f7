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

    @Test
    void theRegistryNamesEveryMessageRecordOnce() {
        List<Class<?>> registered =
                Message.TYPES.stream().<Class<?>>map(Map.Entry::getValue).toList();
        var records = new java.util.ArrayList<Class<?>>(List.of(Request.class.getPermittedSubclasses()));
        records.addAll(List.of(Response.class.getPermittedSubclasses()));
        assertThat(registered).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(records);
        assertThat(Message.TYPES.stream().map(Map.Entry::getKey)).doesNotHaveDuplicates();
        assertThat(Message.TYPES.subList(0, Request.class.getPermittedSubclasses().length))
                .as("requests first: an unknown type's error lists them")
                .allMatch(t -> Request.class.isAssignableFrom(t.getValue()));
    }

    @Test
    void exactWire() {
        assertThat(codec.encode(new Request.ListJobs(null, 5)))
                .isEqualTo("{\"type\":\"list-jobs\",\"v\":1,\"limit\":5}");
        assertThat(codec.encode(
                        new Response.JobDone("c", "j", JobStatus.LOST, null, Instant.parse("2026-01-31T09:00:00.5Z"))))
                .as("type, v, the components in order, nulls left out, instants as Instant.toString()")
                .isEqualTo("{\"type\":\"job:done\",\"v\":1,\"id\":\"c\",\"jobId\":\"j\",\"status\":\"lost\","
                        + "\"finishedAt\":\"2026-01-31T09:00:00.500Z\"}");
        assertThat(codec.encode(new Response.JobLog("j", 2, LogStream.PTY, "\u001b[H", Instant.EPOCH)))
                .as("job:log: bytes as chunk text, v last")
                .isEqualTo("{\"type\":\"job:log\",\"jobId\":\"j\",\"seq\":2,\"stream\":\"pty\",\"chunk\":\"\\u001B[H\","
                        + "\"ts\":\"1970-01-01T00:00:00Z\",\"v\":1}");
        assertThat(codec.encode(new ProjectInfo("vm", "/p", null)))
                .as("a record that is not a message writes its nulls")
                .isEqualTo("{\"alias\":\"vm\",\"dir\":\"/p\",\"problem\":null}");
        record Quiet(String a, String b) implements Codec.NullsOmitted {}
        assertThat(codec.encode(new Quiet(null, "x"))).isEqualTo("{\"b\":\"x\"}");
        assertThat(codec.encode(Map.of("k", List.of(1, 2L, true)))).isEqualTo("{\"k\":[1,2,true]}");
    }

    @Test
    void readingIsAsLenientAsJacksonWas() {
        assertThat(codec.decode("{\"limit\":\" 5 \",\"type\":\"list-jobs\",\"v\":\"1\"}"))
                .as("numbers as text, type after other fields")
                .isEqualTo(new Request.ListJobs(null, 5));
        assertThat(codec.decode("{\"type\":\"list-jobs\",\"limit\":\"\"}")).isEqualTo(new Request.ListJobs(null, 20));
        assertThat(codec.decode("{\"type\":\"list-jobs\",\"limit\":5.7}")).isEqualTo(new Request.ListJobs(null, 5));
        assertThat(codec.decode("{\"type\":\"list-jobs\",\"limit\":1e1}")).isEqualTo(new Request.ListJobs(null, 10));
        assertThat(codec.decode("{\"type\":\"get-job\",\"jobId\":12,\"id\":true}"))
                .as("a text field takes a number or boolean as its text")
                .isEqualTo(new Request.GetJob("true", "12"));
        assertThat(codec.decode("{\"type\":\"execute-command\",\"vm\":\"w\",\"interactive\":\"TRUE\"}"))
                .isEqualTo(codec.decode("{\"type\":\"execute-command\",\"vm\":\"w\",\"interactive\":1}"));
        assertThat(codec.decode(
                        "{\"type\":\"get-job\",\"jobId\":\"a\",\"future\":{\"x\":[1,{\"y\":null}]},\"jobId\":\"b\"}"))
                .as("unknown fields ignored; a repeated field: the last counts")
                .isEqualTo(new Request.GetJob(null, "b"));
        assertThat(codec.decode("{\"type\":\"ack\"} trailing")).isEqualTo(new Response.Ack(null));
        assertThat(codec.decode(
                        "{\"type\":\"job:log\",\"jobId\":\"j\",\"seq\":1,\"stream\":\"stdout\",\"chunk\":\"  \"}"))
                .isEqualTo(new Response.JobLog("j", 1, LogStream.STDOUT, "  ", null));
        assertThat(((Response.JobLog) codec.decode("{\"type\":\"job:log\",\"jobId\":\"j\",\"seq\":1}")).data())
                .isEmpty();
        assertThat(codec.decode("{\"type\":\"job:done\",\"jobId\":\"j\",\"finishedAt\":\"2026-01-31T10:00:00+01:00\"}"))
                .isEqualTo(new Response.JobDone(null, "j", null, null, Instant.parse("2026-01-31T09:00:00Z")));
    }

    @Test
    void aWrongValueNamesItsField() {
        Map<String, String> errors = Map.of(
                "{\"type\":\"list-jobs\",\"limit\":\"x\"}",
                "malformed list-jobs: \"limit\": expected a number, got \"x\"",
                "{\"type\":\"list-jobs\",\"limit\":99999999999}",
                "malformed list-jobs: \"limit\": 99999999999 is out of range",
                "{\"type\":\"join-job\",\"jobId\":\"a\",\"sinceSeq\":[]}",
                "malformed join-job: \"sinceSeq\": expected a number, got a list",
                "{\"type\":\"get-job\",\"jobId\":{}}",
                "malformed get-job: \"jobId\": expected text, got an object",
                "{\"type\":\"execute-command\",\"project\":\"p\",\"target\":\"t\",\"args\":\"x\"}",
                "malformed execute-command: \"args\": expected a list, got \"x\"",
                "{\"type\":\"execute-command\",\"project\":\"p\",\"target\":\"t\",\"interactive\":\"yes\"}",
                "malformed execute-command: \"interactive\": expected true or false, got \"yes\"",
                "{\"type\":\"job:list\",\"jobs\":[{\"args\":[],\"command\":[],\"status\":\"done\"}]}",
                "malformed job:list: \"jobs[0].status\": expected one of running, success, failed, canceled, lost;"
                        + " got \"done\"",
                "{\"type\":\"job:done\",\"finishedAt\":\"yesterday\"}",
                "malformed job:done: \"finishedAt\": expected a time like \"2026-01-31T09:00:00Z\", got \"yesterday\"",
                "{\"type\":\"vm:list\",\"vms\":[{\"presets\":{\"tail\":\"x\"}}]}",
                "malformed vm:list: \"vms[0].presets.tail\": expected a list, got \"x\"",
                "{\"type\":\"job:info\",\"job\":\"x\"}",
                "malformed job:info: \"job\": expected an object, got \"x\"");
        errors.forEach((json, message) -> assertThatThrownBy(() -> codec.decode(json))
                .as(json)
                .isInstanceOfSatisfying(VmoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                    assertThat(e.getMessage()).isEqualTo(message);
                }));
    }

    @Test
    void everyRefusalHasItsCode() {
        Map<String, ErrorCode> refusals = new java.util.LinkedHashMap<>();
        for (String notAnObject : List.of("", " ", "null", "1", "\"x\"", "[{\"type\":\"ack\"}]")) {
            refusals.put(notAnObject, ErrorCode.BAD_JSON);
        }
        refusals.put("{\"type\":\"ack\",}", ErrorCode.BAD_JSON);
        refusals.put("{\"type\":\"ack\"", ErrorCode.BAD_JSON);
        refusals.put("[1,", ErrorCode.BAD_JSON);
        refusals.put("{\"v\":\"x\",\"type\":\"ack\"}", ErrorCode.UNSUPPORTED_VERSION);
        refusals.put("{\"v\":null,\"type\":\"ack\"}", ErrorCode.UNSUPPORTED_VERSION);
        refusals.put("{\"v\":1}", ErrorCode.BAD_REQUEST);
        refusals.put("{\"type\":7}", ErrorCode.BAD_REQUEST);
        refusals.put("{\"type\":\"Ack\"}", ErrorCode.UNKNOWN_TYPE);
        refusals.forEach((json, code) -> assertThatThrownBy(() -> codec.decode(json))
                .as(json)
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(code)));
        assertThatThrownBy(() -> codec.decode("{not json"))
                .hasMessage("message is not valid JSON: expected a field name in double quotes, found 'n' (at"
                        + " character 2)");
        assertThatThrownBy(() -> codec.decode("{\"v\":2,\"type\":\"ack\"}"))
                .hasMessage("protocol version 2 is not supported; this daemon speaks \"v\":1");
        assertThatThrownBy(() -> codec.decode("{\"v\":1}"))
                .hasMessage("message has no \"type\"; expected one of execute-command, join-job, attach-job, stdin,"
                        + " resize, leave-job, cancel-job, list-jobs, get-job, list-events, list-projects,"
                        + " list-targets, list-vms, watch-jobs, diagnose, add-user, list-users, revoke-user,"
                        + " create-login-link, prune, get-storage, list-audit, verify-audit");
        assertThatThrownBy(() -> codec.decode("{\"type\":\"rm\"}"))
                .hasMessageStartingWith("unknown message type \"rm\"; expected one of execute-command, ");
        assertThatThrownBy(() -> codec.decode("{\"type\":\"add-user\",\"name\":\"Bob Smith\",\"role\":\"viewer\"}"))
                .as("a user name outside the rule is refused, saying what is allowed")
                .hasMessageContaining("user name \"Bob Smith\" is not allowed; a name is 1 to 32 characters");
        assertThatThrownBy(() -> codec.decode("{\"type\":\"add-user\",\"name\":\"bob\",\"role\":\"root\"}"))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThatThrownBy(() -> codec.decode("{\"type\":\"resize\",\"jobId\":\"j\",\"cols\":1}"))
                .as("the record's own check, as it words it")
                .hasMessage("resize: \"cols\" and \"rows\" are required");
    }

    @Test
    void restBodiesDecodeAsMapsOrRecords() {
        assertThat(codec.decode("{\"jobId\":\"j\",\"n\":[1,2.5,null,true,{}]}", Map.class))
                .isEqualTo(Map.of("jobId", "j", "n", java.util.Arrays.asList(1, 2.5, null, true, Map.of())));
        assertThat(codec.decode("null", Map.class)).isNull();
        assertThat(codec.decode("{\"alias\":\"a\",\"x\":1}", ProjectInfo.class))
                .isEqualTo(new ProjectInfo("a", null, null));
        assertThat(codec.decode("{\"type\":\"ack\",\"id\":\"1\"}", Response.Ack.class))
                .isEqualTo(new Response.Ack("1"));
        assertThatThrownBy(() -> codec.decode("[1]", Map.class))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessage("malformed body: expected an object, got a list");
        assertThatThrownBy(() -> codec.decode("{", Map.class))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON))
                .hasMessageStartingWith("body is not valid JSON: ");
        assertThatThrownBy(() -> codec.decode("{\"type\":\"ack\"}", Response.JobList.class))
                .hasMessage("expected job:list, got ack");
    }

    @Test
    void onlyWhatTheWireCarriesIsWritten() {
        assertThatThrownBy(() -> codec.encode(new Object())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.encode(java.util.Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneCodecServesManyThreads() throws Exception {
        var jobs = java.util.stream.IntStream.range(0, 2000)
                .mapToObj(i ->
                        new Response.JobLog("j", i, LogStream.STDOUT, "line " + i + "\n", Instant.ofEpochSecond(i)))
                .toList();
        var decoded = jobs.parallelStream()
                .map(codec::encodeBytes)
                .map(b -> codec.decode(new String(b, java.nio.charset.StandardCharsets.UTF_8)))
                .toList();
        assertThat(decoded).isEqualTo(jobs);
    }
}
