package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.protocol.Codec;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client gives make — {@code vmo run PROJECT TARGET -- NAME=value} — reaches recipes exactly as given, and
 * cannot change how make itself runs; what the system could not pass on is refused before anything starts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class MakeArgumentsIT {

    /** For each variable NAMES lists: its value as make expands it, and as the recipe's environment has it. */
    static final String MAKEFILE = """
            .PHONY: show sub quiet
            show:
            \t@$(foreach v,$(NAMES),printf '%s [%s]\\n' $(v) '$(subst ','\\'',$($(v)))'; printf '%s <%s>\\n' $(v) "$$$(v)";)
            sub:
            \t@$(MAKE) show
            quiet:
            \t@echo quiet
            """;

    /** What a shell or make could read as something else. */
    static final List<String> VALUES = List.of(
            "$(shell touch F)",
            "${shell touch F}",
            "`touch F`",
            "$$(touch F)",
            "$",
            "it's \"quoted\"",
            "#not a comment",
            "50% off",
            "back\\slash\\",
            " two  spaces  ",
            "\tTAB",
            "é ü 日本 🙂",
            "$(X0)",
            "");

    final Codec codec = new Codec();
    SharedPostgres postgres;
    Path tmp;
    TestDaemon daemon;
    Path project;

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        this.postgres = postgres;
        this.tmp = tmp;
        daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase());
        project = daemon.addProject("lit", MAKEFILE);
        Files.writeString(project.resolve("other.mk"), "$(shell touch loaded-other.mk)\n");
        // A VM to address; nothing listens there, and nothing may try to connect.
        Path ssh = Files.createDirectories(daemon.home().resolve(".ssh"));
        Files.writeString(ssh.resolve("config"), "Host far\n  HostName 127.0.0.1\n  Port 1\n");
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
    }

    @BeforeEach
    void noMarkers() throws Exception {
        Files.deleteIfExists(project.resolve("F"));
        Files.deleteIfExists(project.resolve("loaded-other.mk"));
    }

    @Test
    void aRecipeAndASubMakeSeeEachValueByteForByte() throws Exception {
        List<String> command = new ArrayList<>(List.of("run", "lit", "show", "--", "sub"));
        command.addAll(variables(VALUES));

        Vmo.Result result = daemon.run(command.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String printed = printed(VALUES, "\n");
        assertThat(result.out()).isEqualTo(printed + printed);
        assertThat(result.err()).isEmpty();
        assertThat(project.resolve("F")).as("nothing in the values ran").doesNotExist();
    }

    /** {@code X0=…}, {@code X1=…}, and NAMES listing them. */
    static List<String> variables(List<String> values) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            args.add("X" + i + "=" + values.get(i));
        }
        args.add("NAMES="
                + String.join(
                        " ",
                        IntStream.range(0, values.size()).mapToObj(i -> "X" + i).toList()));
        return args;
    }

    /** What the show target prints for those variables, lines ending with {@code eol}. */
    static String printed(List<String> values, String eol) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            out.append("X")
                    .append(i)
                    .append(" [")
                    .append(values.get(i))
                    .append("]")
                    .append(eol);
            out.append("X")
                    .append(i)
                    .append(" <")
                    .append(values.get(i))
                    .append(">")
                    .append(eol);
        }
        return out.toString();
    }

    @Test
    void aValueNoRecipeUsesRunsNothingEither() throws Exception {
        // make expands every exported variable for each recipe's environment, used or not.
        Vmo.Result result = daemon.run("run", "lit", "quiet", "--", "X=$(shell touch F)");
        assertThat(result.out()).as(result.toString()).isEqualTo("quiet\n");
        assertThat(project.resolve("F")).doesNotExist();
    }

    @Test
    void anInteractiveTargetGetsTheSameArguments() throws Exception {
        try (TerminalClient client = TerminalClient.connect(daemon)) {
            var request = new Request.ExecuteCommand("1", "lit", "show", variables(VALUES)).interactive(null, null);
            String jobId = client.call(codec.encode(request), Response.JobStarted.class)
                    .job()
                    .id();
            client.call(codec.encode(new Request.JoinJob("2", jobId, 0)), Response.JobJoined.class);
            assertThat(client.awaitDone().exitCode()).isZero();
            assertThat(client.screen()).isEqualTo(printed(VALUES, "\r\n"));
        }
        assertThat(project.resolve("F")).doesNotExist();
    }

    @Test
    void namesThatChangeMakeAreRefusedSayingWhich() throws Exception {
        List<String> before = jobIds();
        for (String arg : List.of(
                "MAKEFLAGS=-n",
                "MAKEFLAGS=--eval=$(shell touch F)",
                "MAKEFILES=other.mk",
                "GNUMAKEFLAGS=-n",
                "MAKEOVERRIDES=X=1",
                "SHELL=/bin/bash",
                ".SHELLFLAGS=-xc",
                "VPATH=/etc",
                "SHELLOPTS=xtrace",
                "PS4=$(touch F)",
                "LD_PRELOAD=/tmp/x.so")) {
            String name = arg.substring(0, arg.indexOf('='));
            Response.ErrorReply error = refusal(new Request.ExecuteCommand("r", "lit", "show", List.of(arg)));
            assertThat(error.code()).as(arg).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(error.message()).as(arg).startsWith("variable " + name + " ");
        }
        // A target with "=" would be an assignment to make, even after "--".
        Response.ErrorReply target = refusal(new Request.ExecuteCommand("t", "lit", "X=$(shell touch F)", List.of()));
        assertThat(target.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(target.message()).contains("\"=\"");

        assertThat(project.resolve("F")).doesNotExist();
        assertThat(project.resolve("loaded-other.mk"))
                .as("MAKEFILES=other.mk read nothing")
                .doesNotExist();
        assertThat(jobIds()).as("no job was recorded").isEqualTo(before);

        Vmo.Result cli = daemon.run("run", "lit", "show", "--", "MAKEFLAGS=-n");
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err())
                .startsWith("vmo: variable MAKEFLAGS is make's own and refused: it holds make's options")
                .hasLineCount(1);
        assertThat(cli.out()).isEmpty();
    }

    /**
     * Arguments the system would not take (Linux: 128 KiB per argument) are refused as a request, the same way in
     * a terminal or not, and before any connection for a remote command. Before, a plain job failed to start
     * (spawn-failed) and an interactive one started and failed; a remote one started and failed either way.
     */
    @Test
    void oversizedArgumentsAreRefusedTheSameWayInATerminalOrNot() throws Exception {
        List<String> before = jobIds();
        String huge = "a".repeat(1_000_000);
        for (var request : List.of(
                new Request.ExecuteCommand("h", "lit", huge, List.of()),
                new Request.ExecuteCommand("h", "lit", "show", List.of("X=" + huge)),
                Request.ExecuteCommand.remote("h", "far", List.of("echo", huge)))) {
            Response.ErrorReply plain = refusal(request);
            Response.ErrorReply interactive = refusal(request.interactive(null, null));
            assertThat(plain.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(plain.message())
                    .matches("the (target and its|command's) arguments are 100000\\d bytes .*")
                    .contains("at most 16384")
                    .hasSizeLessThan(300);
            assertThat(interactive).isEqualTo(plain);
        }
        assertThat(jobIds()).as("no job was recorded").isEqualTo(before);
    }

    /** The JVM hands a child its arguments in the locale's charset: without UTF-8, é would reach make as "?". */
    @Test
    void aLocaleThatWouldAlterAValueIsNamedInsteadOfRunning() throws Exception {
        try (TestDaemon posix = TestDaemon.start(
                tmp.resolve("posix-home"), postgres.newDatabase(), Map.of("LANG", "C", "LC_ALL", "C"))) {
            posix.register("lit", project);
            Vmo.Result result = posix.run("run", "lit", "show", "--", "NAMES=X0", "X0=é");
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
            assertThat(result.err()).contains("locale (US-ASCII)").contains("LANG=C.UTF-8");
            assertThat(posix.run("run", "lit", "show", "--", "NAMES=X0", "X0=plain")
                            .out())
                    .isEqualTo(printed(List.of("plain"), "\n"));
        }
    }

    @Test
    void theMakeThatStartedTheDaemonDoesNotReachJobs() throws Exception {
        // As under `make run`: the daemon inherits the outer make's options, level and command-line variables.
        try (TestDaemon nested = TestDaemon.start(
                tmp.resolve("nested-home"),
                postgres.newDatabase(),
                Map.of("MAKEFLAGS", "n -- NAMES=X0 X0=inherited", "MFLAGS", "-n", "MAKELEVEL", "1"))) {
            nested.register("lit", project);
            assertThat(nested.run("run", "lit", "quiet").out()).isEqualTo("quiet\n"); // not `echo quiet`: no dry run
            assertThat(nested.run("run", "lit", "show").out()).doesNotContain("X0"); // NAMES not set
        }
    }

    private Response.ErrorReply refusal(Request request) throws Exception {
        try (RawSocket socket = RawSocket.connect(daemon)) {
            String reply = socket.send(codec.encode(request)).next();
            if (codec.decode(reply) instanceof Response.ErrorReply error) {
                return error;
            }
            throw new AssertionError("expected a refusal, got " + reply.substring(0, Math.min(300, reply.length())));
        }
    }

    private List<String> jobIds() {
        try (var client = daemon.connect()) {
            return client.call(new Request.ListJobs("l", 1000), Response.JobList.class).jobs().stream()
                    .map(JobInfo::id)
                    .toList();
        }
    }
}
