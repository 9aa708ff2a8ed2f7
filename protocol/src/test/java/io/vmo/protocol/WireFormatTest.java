package io.vmo.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire, pinned: a representative instance of every message type (and of the records and lists the CLI's
 * {@code --json} prints), each with the exact JSON it is sent as. The strings were written by the Jackson-databind
 * codec the protocol had until the codec over jackson-core replaced it, so this test is what says the wire did not
 * change: field order ({@code type} first, then {@code v}, except {@code job:log} which Jackson wrote with {@code v}
 * last), nulls left out of messages but written in the records inside them, instants as {@link Instant#toString()},
 * enums by their wire names, {@code job:log}'s bytes as {@code chunk} text, the same escapes.
 */
class WireFormatTest {

    private static final Codec CODEC = new Codec();

    private static final String JOB_ID = "3f2a0c1e-5b7d-4e8f-9a10-112233445566";
    private static final Instant STARTED = Instant.parse("2026-11-23T10:00:00.123456Z");
    private static final Instant FINISHED = Instant.parse("2026-11-23T10:00:05Z");

    private static final JobInfo MAKE_JOB = new JobInfo(
            JOB_ID,
            "make",
            "vm",
            "create",
            List.of("ENV=dev"),
            null,
            List.of("make", "-C", "/home/u/vm", "create", "ENV=dev"),
            JobStatus.RUNNING,
            null,
            STARTED,
            null,
            12,
            false,
            new Provenance("alice", "cli", "0.1.0", "127.0.0.1", "alice", "laptop"));
    private static final JobInfo SSH_JOB = new JobInfo(
            "9c1d2e3f-0000-4000-8000-00000000beef",
            "ssh",
            null,
            null,
            List.of(),
            "web-1",
            List.of("tail", "-f", "/var/log/syslog"),
            JobStatus.FAILED,
            255,
            Instant.parse("2026-01-01T00:00:00.100Z"),
            FINISHED,
            40,
            true,
            null);
    private static final Response.JobLog LOG = new Response.JobLog(
            JOB_ID, 8, LogStream.STDOUT, "hello\n", Instant.parse("2026-11-23T10:00:01.000000123Z"));
    private static final Response.JobLog ODD_LOG = new Response.JobLog(
            JOB_ID, 9, LogStream.STDERR, "a\u0000b\u001b[31mé€😀\uFFFD\t\"\\/\r\n\u007f\u2028", Instant.EPOCH);

    /**
     * One value and its JSON: as text ({@link Codec#encode}, what the CLI sends) and as UTF-8 bytes
     * ({@link Codec#encodeBytes}, what the daemon sends), which differ in one way: jackson-core's UTF-8 writer
     * escapes a character outside the BMP (an emoji) as the two {@code \\u} escapes of its surrogate pair, its text
     * writer does not.
     */
    record Golden(Object value, String json, String bytes) {
        Golden(Object value, String json) {
            this(value, json, json);
        }

        @Override
        public String toString() {
            return value instanceof List<?> l
                    ? "List of " + l.getFirst().getClass().getSimpleName()
                    : value.getClass().getSimpleName();
        }
    }

    static List<Golden> golden() {
        return List.of(
                // Requests
                new Golden(
                        new Request.ExecuteCommand("r1", "vm", "create", List.of("ENV=dev", "V=1")),
                        "{\"type\":\"execute-command\",\"v\":1,\"id\":\"r1\",\"project\":\"vm\",\"target\":\"create\","
                                + "\"args\":[\"ENV=dev\",\"V=1\"],\"command\":[]}"),
                new Golden(
                        new Request.ExecuteCommand("r1", "vm", "create", List.of()).interactive(120, 40),
                        "{\"type\":\"execute-command\",\"v\":1,\"id\":\"r1\",\"project\":\"vm\",\"target\":\"create\","
                                + "\"args\":[],\"command\":[],\"interactive\":true,\"cols\":120,\"rows\":40}"),
                new Golden(
                        Request.ExecuteCommand.remote("r2", "web-1", List.of("uptime", "-p")),
                        "{\"type\":\"execute-command\",\"v\":1,\"id\":\"r2\",\"args\":[],\"vm\":\"web-1\","
                                + "\"command\":[\"uptime\",\"-p\"]}"),
                new Golden(
                        new Request.JoinJob("r3", JOB_ID, 7),
                        "{\"type\":\"join-job\",\"v\":1,\"id\":\"r3\",\"jobId\":\"" + JOB_ID + "\",\"sinceSeq\":7}"),
                new Golden(
                        new Request.AttachJob("r4", JOB_ID, 80, 24),
                        "{\"type\":\"attach-job\",\"v\":1,\"id\":\"r4\",\"jobId\":\"" + JOB_ID
                                + "\",\"cols\":80,\"rows\":24}"),
                new Golden(
                        new Request.AttachJob(null, "3f2a", null, null),
                        "{\"type\":\"attach-job\",\"v\":1,\"jobId\":\"3f2a\"}"),
                new Golden(
                        new Request.Stdin("r5", JOB_ID, "yes\r\n\u0003é"),
                        "{\"type\":\"stdin\",\"v\":1,\"id\":\"r5\",\"jobId\":\"" + JOB_ID
                                + "\",\"data\":\"yes\\r\\n\\u0003é\"}"),
                new Golden(
                        new Request.Resize(null, JOB_ID, 100, 30),
                        "{\"type\":\"resize\",\"v\":1,\"jobId\":\"" + JOB_ID + "\",\"cols\":100,\"rows\":30}"),
                new Golden(
                        new Request.LeaveJob("r6", JOB_ID),
                        "{\"type\":\"leave-job\",\"v\":1,\"id\":\"r6\",\"jobId\":\"" + JOB_ID + "\"}"),
                new Golden(
                        new Request.CancelJob("r7", JOB_ID),
                        "{\"type\":\"cancel-job\",\"v\":1,\"id\":\"r7\",\"jobId\":\"" + JOB_ID + "\"}"),
                new Golden(new Request.ListJobs(null, null), "{\"type\":\"list-jobs\",\"v\":1,\"limit\":20}"),
                new Golden(new Request.ListJobs("r8", 5), "{\"type\":\"list-jobs\",\"v\":1,\"id\":\"r8\",\"limit\":5}"),
                new Golden(
                        new Request.ListJobs("r8", 5, "alice"),
                        "{\"type\":\"list-jobs\",\"v\":1,\"id\":\"r8\",\"limit\":5,\"user\":\"alice\"}"),
                new Golden(
                        new Request.AddUser("r20", "alice", Role.OPERATOR),
                        "{\"type\":\"add-user\",\"v\":1,\"id\":\"r20\",\"name\":\"alice\",\"role\":\"operator\"}"),
                new Golden(new Request.ListUsers("r21"), "{\"type\":\"list-users\",\"v\":1,\"id\":\"r21\"}"),
                new Golden(
                        new Request.RevokeUser("r22", "alice"),
                        "{\"type\":\"revoke-user\",\"v\":1,\"id\":\"r22\",\"name\":\"alice\"}"),
                new Golden(
                        new Request.CreateLoginLink("r23", "bob"),
                        "{\"type\":\"create-login-link\",\"v\":1,\"id\":\"r23\",\"user\":\"bob\"}"),
                new Golden(
                        new Response.UserAdded("r20", ALICE, "tok"),
                        "{\"type\":\"user:added\",\"v\":1,\"id\":\"r20\",\"user\":" + ALICE_JSON
                                + ",\"token\":\"tok\"}"),
                new Golden(
                        new Response.UserList("r21", List.of(ALICE)),
                        "{\"type\":\"user:list\",\"v\":1,\"id\":\"r21\",\"users\":[" + ALICE_JSON + "]}"),
                new Golden(
                        new Response.UserRevoked("r22", ALICE, 2),
                        "{\"type\":\"user:revoked\",\"v\":1,\"id\":\"r22\",\"user\":" + ALICE_JSON
                                + ",\"sessionsEnded\":2}"),
                new Golden(
                        new Response.LoginLink("r23", "/login?token=t", "bob"),
                        "{\"type\":\"login-link\",\"v\":1,\"id\":\"r23\",\"path\":\"/login?token=t\",\"user\":\"bob\"}"),
                new Golden(
                        new Request.GetJob("r9", "3f2a"),
                        "{\"type\":\"get-job\",\"v\":1,\"id\":\"r9\",\"jobId\":\"3f2a\"}"),
                new Golden(
                        new Request.ListEvents("r10", JOB_ID, 4, null),
                        "{\"type\":\"list-events\",\"v\":1,\"id\":\"r10\",\"jobId\":\"" + JOB_ID
                                + "\",\"sinceSeq\":4,\"limit\":1000}"),
                new Golden(new Request.ListProjects("r11"), "{\"type\":\"list-projects\",\"v\":1,\"id\":\"r11\"}"),
                new Golden(new Request.ListProjects(null), "{\"type\":\"list-projects\",\"v\":1}"),
                new Golden(new Request.Diagnose("r40"), "{\"type\":\"diagnose\",\"v\":1,\"id\":\"r40\"}"),
                new Golden(
                        new Response.Diagnosis(
                                "r40",
                                "0.1.0 (commit 1a2b3c4)",
                                List.of(
                                        Check.ok("database", "PostgreSQL 16.15"),
                                        Check.warn("known_hosts", "none", "ssh to each VM once"))),
                        "{\"type\":\"diagnosis\",\"v\":1,\"id\":\"r40\",\"version\":\"0.1.0 (commit 1a2b3c4)\","
                                + "\"checks\":[{\"name\":\"database\",\"status\":\"ok\",\"detail\":\"PostgreSQL 16.15\",\"advice\":null},"
                                + "{\"name\":\"known_hosts\",\"status\":\"warn\",\"detail\":\"none\","
                                + "\"advice\":\"ssh to each VM once\"}]}"),
                new Golden(
                        new Request.ListTargets("r12", "vm"),
                        "{\"type\":\"list-targets\",\"v\":1,\"id\":\"r12\",\"project\":\"vm\"}"),
                new Golden(new Request.ListVms("r13"), "{\"type\":\"list-vms\",\"v\":1,\"id\":\"r13\"}"),
                new Golden(new Request.WatchJobs("r14"), "{\"type\":\"watch-jobs\",\"v\":1,\"id\":\"r14\"}"),
                new Golden(
                        new Request.Prune("r50", true), "{\"type\":\"prune\",\"v\":1,\"id\":\"r50\",\"dryRun\":true}"),
                new Golden(new Request.Prune(null, null), "{\"type\":\"prune\",\"v\":1}"),
                new Golden(new Request.GetStorage("r51"), "{\"type\":\"get-storage\",\"v\":1,\"id\":\"r51\"}"),
                new Golden(
                        new Response.PruneReport(
                                "r50",
                                true,
                                30,
                                5,
                                STARTED,
                                1,
                                4096,
                                List.of(new PrunedJob(
                                        JOB_ID,
                                        "ssh",
                                        null,
                                        null,
                                        "web-1",
                                        List.of("uptime"),
                                        JobStatus.SUCCESS,
                                        STARTED,
                                        FINISHED,
                                        4096)),
                                12,
                                0),
                        "{\"type\":\"prune:report\",\"v\":1,\"id\":\"r50\",\"dryRun\":true,\"days\":30,"
                                + "\"keepLastPerTarget\":5,\"cutoff\":\"2026-11-23T10:00:00.123456Z\",\"jobs\":1,"
                                + "\"bytes\":4096,\"removed\":[{\"id\":\"" + JOB_ID + "\",\"kind\":\"ssh\","
                                + "\"project\":null,\"target\":null,\"vm\":\"web-1\",\"command\":[\"uptime\"],"
                                + "\"status\":\"success\",\"startedAt\":\"2026-11-23T10:00:00.123456Z\","
                                + "\"finishedAt\":\"2026-11-23T10:00:05Z\",\"bytes\":4096}],\"millis\":12,"
                                + "\"vacuumMillis\":0}"),
                new Golden(
                        new Response.Storage(
                                "r51",
                                new StorageInfo(
                                        8_000_000, 1_000_000, 3, JOB_ID, STARTED, 30, 5, null, null, null, null)),
                        "{\"type\":\"storage\",\"v\":1,\"id\":\"r51\",\"storage\":{\"databaseBytes\":8000000,"
                                + "\"outputBytes\":1000000,\"jobs\":3,\"oldestJobId\":\"" + JOB_ID + "\","
                                + "\"oldestStartedAt\":\"2026-11-23T10:00:00.123456Z\",\"days\":30,"
                                + "\"keepLastPerTarget\":5,\"problem\":null,\"lastPrunedAt\":null,"
                                + "\"lastPrunedJobs\":null,\"lastPrunedBytes\":null}}"),
                new Golden(
                        new Request.ListAudit("r50", Instant.parse("2026-12-01T00:00:00Z"), "owner", 10),
                        "{\"type\":\"list-audit\",\"v\":1,\"id\":\"r50\",\"since\":\"2026-12-01T00:00:00Z\","
                                + "\"user\":\"owner\",\"limit\":10}"),
                new Golden(
                        new Request.ListAudit(null, null, null, null),
                        "{\"type\":\"list-audit\",\"v\":1,\"limit\":1000}"),
                new Golden(new Request.VerifyAudit("r51"), "{\"type\":\"verify-audit\",\"v\":1,\"id\":\"r51\"}"),
                new Golden(
                        new Response.AuditList("r50", List.of(AUDIT_EVENT)),
                        "{\"type\":\"audit:list\",\"v\":1,\"id\":\"r50\",\"events\":[" + AUDIT_EVENT_JSON + "]}"),
                new Golden(
                        new Response.AuditVerified("r51", true, 12, 1, 12, 12, null, null, null),
                        "{\"type\":\"audit:verified\",\"v\":1,\"id\":\"r51\",\"ok\":true,\"rows\":12,"
                                + "\"firstSeq\":1,\"lastSeq\":12,\"headSeq\":12}"),
                new Golden(
                        new Response.AuditVerified(
                                "r51", false, 4, 1, 4, 12, 5L, "row 5 (…) was altered", "keep a copy"),
                        "{\"type\":\"audit:verified\",\"v\":1,\"id\":\"r51\",\"ok\":false,\"rows\":4,"
                                + "\"firstSeq\":1,\"lastSeq\":4,\"headSeq\":12,\"badSeq\":5,\"problem\":"
                                + "\"row 5 (…) was altered\",\"advice\":\"keep a copy\"}"),
                // Responses
                new Golden(
                        new Response.JobStarted("r1", MAKE_JOB),
                        "{\"type\":\"job:started\",\"v\":1,\"id\":\"r1\",\"job\":" + MAKE_JOB_JSON + "}"),
                new Golden(
                        new Response.JobJoined("r3", SSH_JOB),
                        "{\"type\":\"job:joined\",\"v\":1,\"id\":\"r3\",\"job\":" + SSH_JOB_JSON + "}"),
                new Golden(LOG, LOG_JSON),
                new Golden(
                        ODD_LOG,
                        "{\"type\":\"job:log\",\"jobId\":\"" + JOB_ID + "\",\"seq\":9,\"stream\":\"stderr\","
                                + "\"chunk\":\"a\\u0000b\\u001B[31mé€😀\uFFFD\\t\\\"\\\\/\\r\\n\u007f\u2028\","
                                + "\"ts\":\"1970-01-01T00:00:00Z\",\"v\":1}",
                        "{\"type\":\"job:log\",\"jobId\":\"" + JOB_ID + "\",\"seq\":9,\"stream\":\"stderr\","
                                + "\"chunk\":\"a\\u0000b\\u001B[31mé€\\uD83D\\uDE00\uFFFD\\t\\\"\\\\/\\r\\n\u007f\u2028\","
                                + "\"ts\":\"1970-01-01T00:00:00Z\",\"v\":1}"),
                new Golden(
                        new Response.JobDone(null, JOB_ID, JobStatus.SUCCESS, 0, FINISHED),
                        "{\"type\":\"job:done\",\"v\":1,\"jobId\":\"" + JOB_ID + "\",\"status\":\"success\","
                                + "\"exitCode\":0,\"finishedAt\":\"2026-11-23T10:00:05Z\"}"),
                new Golden(
                        new Response.JobDone("r7", JOB_ID, JobStatus.CANCELED, null, FINISHED),
                        "{\"type\":\"job:done\",\"v\":1,\"id\":\"r7\",\"jobId\":\"" + JOB_ID + "\",\"status\":"
                                + "\"canceled\",\"finishedAt\":\"2026-11-23T10:00:05Z\"}"),
                new Golden(
                        new Response.JobList("r8", List.of(MAKE_JOB, SSH_JOB)),
                        "{\"type\":\"job:list\",\"v\":1,\"id\":\"r8\",\"jobs\":[" + MAKE_JOB_JSON + "," + SSH_JOB_JSON
                                + "]}"),
                new Golden(new Response.JobList(null, List.of()), "{\"type\":\"job:list\",\"v\":1,\"jobs\":[]}"),
                new Golden(
                        new Response.JobFound("r9", SSH_JOB),
                        "{\"type\":\"job:info\",\"v\":1,\"id\":\"r9\",\"job\":" + SSH_JOB_JSON + "}"),
                new Golden(
                        new Response.EventPage("r10", JOB_ID, List.of(LOG), 9),
                        "{\"type\":\"job:events\",\"v\":1,\"id\":\"r10\",\"jobId\":\"" + JOB_ID + "\",\"events\":["
                                + LOG_JSON + "],\"lastSeq\":9}"),
                new Golden(
                        new Response.ProjectList(
                                "r11",
                                List.of(
                                        new ProjectInfo("vm", "/home/u/vm", null),
                                        new ProjectInfo("gone", "/x", "folder /x is missing"))),
                        "{\"type\":\"project:list\",\"v\":1,\"id\":\"r11\",\"projects\":[{\"alias\":\"vm\","
                                + "\"dir\":\"/home/u/vm\",\"problem\":null},{\"alias\":\"gone\",\"dir\":\"/x\","
                                + "\"problem\":\"folder /x is missing\"}]}"),
                new Golden(
                        new Response.TargetList(
                                "r12",
                                "vm",
                                List.of(
                                        new TargetInfo("create", "Create the VM", true),
                                        new TargetInfo("status", null)),
                                null),
                        "{\"type\":\"target:list\",\"v\":1,\"id\":\"r12\",\"project\":\"vm\",\"targets\":[{\"name\":"
                                + "\"create\",\"description\":\"Create the VM\",\"interactive\":true},{\"name\":"
                                + "\"status\",\"description\":null,\"interactive\":false}]}"),
                new Golden(
                        new Response.TargetList("r12", "broken", List.of(), "Makefile:3: *** missing separator."),
                        "{\"type\":\"target:list\",\"v\":1,\"id\":\"r12\",\"project\":\"broken\",\"targets\":[],"
                                + "\"problem\":\"Makefile:3: *** missing separator.\"}"),
                new Golden(
                        new Response.VmList(
                                "r13",
                                List.of(
                                        new VmInfo(
                                                "web-1",
                                                "prod",
                                                "10.0.0.1",
                                                "deploy",
                                                "10.0.0.1",
                                                "vm-config",
                                                Map.of("syslog", List.of("tail", "-f", "/var/log/syslog")),
                                                null),
                                        new VmInfo(
                                                "lab", null, null, null, "lab", "ssh-config", null, "no such host"))),
                        "{\"type\":\"vm:list\",\"v\":1,\"id\":\"r13\",\"vms\":[{\"name\":\"web-1\",\"environment\":"
                                + "\"prod\",\"host\":\"10.0.0.1\",\"user\":\"deploy\",\"sshHost\":\"10.0.0.1\","
                                + "\"source\":\"vm-config\",\"presets\":{\"syslog\":[\"tail\",\"-f\","
                                + "\"/var/log/syslog\"]},\"problem\":null},{\"name\":\"lab\",\"environment\":null,"
                                + "\"host\":null,\"user\":null,\"sshHost\":\"lab\",\"source\":\"ssh-config\","
                                + "\"presets\":{},\"problem\":\"no such host\"}]}"),
                new Golden(
                        new Response.JobUpdate(SSH_JOB),
                        "{\"type\":\"job:update\",\"v\":1,\"job\":" + SSH_JOB_JSON + "}"),
                new Golden(new Response.Ack("r6"), "{\"type\":\"ack\",\"v\":1,\"id\":\"r6\"}"),
                new Golden(new Response.Ack(null), "{\"type\":\"ack\",\"v\":1}"),
                new Golden(
                        new Response.ErrorReply(null, ErrorCode.BAD_JSON, "message is not valid JSON: {"),
                        "{\"type\":\"error\",\"v\":1,\"code\":\"bad-json\",\"message\":\"message is not valid JSON: {\"}"),
                new Golden(
                        new Response.ErrorReply("r9", ErrorCode.AMBIGUOUS_JOB, "3f matches 2 jobs"),
                        "{\"type\":\"error\",\"v\":1,\"id\":\"r9\",\"code\":\"ambiguous-job\",\"message\":"
                                + "\"3f matches 2 jobs\"}"),
                // What `--json` prints, and the records inside messages
                new Golden(MAKE_JOB, MAKE_JOB_JSON),
                new Golden(List.of(MAKE_JOB, SSH_JOB), "[" + MAKE_JOB_JSON + "," + SSH_JOB_JSON + "]"),
                new Golden(
                        List.of(new ProjectInfo("vm", "/home/u/vm", null)),
                        "[{\"alias\":\"vm\",\"dir\":\"/home/u/vm\",\"problem\":null}]"),
                new Golden(
                        new TargetInfo("create", "Create the VM"),
                        "{\"name\":\"create\",\"description\":\"Create the VM\",\"interactive\":false}"));
    }

    private static final AuditEvent AUDIT_EVENT =
            new AuditEvent(7, STARTED, "job.execute", "owner", "cli", "127.0.0.1", JOB_ID, "ok", "vm create");
    private static final String AUDIT_EVENT_JSON = "{\"seq\":7,\"at\":\"2026-11-23T10:00:00.123456Z\",\"action\":"
            + "\"job.execute\",\"user\":\"owner\",\"client\":\"cli\",\"peer\":\"127.0.0.1\",\"subject\":\""
            + JOB_ID + "\",\"outcome\":\"ok\",\"detail\":\"vm create\"}";

    private static final String MAKE_JOB_JSON = "{\"id\":\"" + JOB_ID + "\",\"kind\":\"make\",\"project\":\"vm\","
            + "\"target\":\"create\",\"args\":[\"ENV=dev\"],\"vm\":null,\"command\":[\"make\",\"-C\",\"/home/u/vm\","
            + "\"create\",\"ENV=dev\"],\"status\":\"running\",\"exitCode\":null,\"startedAt\":"
            + "\"2026-11-23T10:00:00.123456Z\",\"finishedAt\":null,\"lastSeq\":12,\"interactive\":false,"
            + "\"provenance\":{\"user\":\"alice\",\"client\":\"cli\",\"clientVersion\":\"0.1.0\",\"peer\":"
            + "\"127.0.0.1\",\"osUser\":\"alice\",\"osHost\":\"laptop\"}}";
    private static final UserInfo ALICE = new UserInfo(
            "alice",
            Role.OPERATOR,
            Instant.parse("2026-12-01T09:00:00Z"),
            "owner",
            Instant.parse("2026-12-02T09:00:00Z"));
    private static final String ALICE_JSON = "{\"name\":\"alice\",\"role\":\"operator\",\"createdAt\":"
            + "\"2026-12-01T09:00:00Z\",\"createdBy\":\"owner\",\"revokedAt\":\"2026-12-02T09:00:00Z\"}";
    private static final String SSH_JOB_JSON = "{\"id\":\"9c1d2e3f-0000-4000-8000-00000000beef\",\"kind\":\"ssh\","
            + "\"project\":null,\"target\":null,\"args\":[],\"vm\":\"web-1\",\"command\":[\"tail\",\"-f\","
            + "\"/var/log/syslog\"],\"status\":\"failed\",\"exitCode\":255,\"startedAt\":\"2026-01-01T00:00:00.100Z\","
            + "\"finishedAt\":\"2026-11-23T10:00:05Z\",\"lastSeq\":40,\"interactive\":true,\"provenance\":{\"user\":"
            + "\"owner\",\"client\":null,\"clientVersion\":null,\"peer\":null,\"osUser\":null,\"osHost\":null}}";
    private static final String LOG_JSON = "{\"type\":\"job:log\",\"jobId\":\"" + JOB_ID + "\",\"seq\":8,\"stream\":"
            + "\"stdout\",\"chunk\":\"hello\\n\",\"ts\":\"2026-11-23T10:00:01.000000123Z\",\"v\":1}";

    static Stream<Golden> cases() {
        return golden().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodesExactlyAsTheWireWas(Golden golden) {
        assertThat(CODEC.encode(golden.value())).isEqualTo(golden.json());
        assertThat(new String(CODEC.encodeBytes(golden.value()), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(golden.bytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesTheWireBackToTheSameValue(Golden golden) {
        if (golden.value() instanceof Message) {
            assertThat(CODEC.decode(golden.json())).isEqualTo(golden.value());
            assertThat(CODEC.decode(golden.bytes())).isEqualTo(golden.value());
        } else if (!(golden.value() instanceof List)) {
            assertThat(CODEC.decode(golden.json(), golden.value().getClass())).isEqualTo(golden.value());
        }
    }

    @Test
    void everyMessageTypeHasAGoldenString() {
        Set<Class<?>> types = new HashSet<>();
        types.addAll(List.of(Request.class.getPermittedSubclasses()));
        types.addAll(List.of(Response.class.getPermittedSubclasses()));
        Set<Class<?>> covered = new HashSet<>();
        golden().forEach(g -> covered.add(g.value().getClass()));
        assertThat(covered).containsAll(types);
    }
}
