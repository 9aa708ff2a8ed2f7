package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.cli.DaemonClient;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** `vmo run`: every byte a target writes reaches the CLI, a protocol client and the store, in order, once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class RunIT {

    String databaseUrl;
    TestDaemon daemon;
    Path project;

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        databaseUrl = postgres.newDatabase();
        daemon = TestDaemon.start(tmp.resolve("home"), databaseUrl);
        project = daemon.addProject("vm", """
                .PHONY: status payload fail
                status:
                \t@echo "status of $(ENV)"
                colours:
                	@echo out; echo err >&2; exit 1
                payload:
                \t@cat out.bin; cat err.bin >&2; exit 3
                """);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void runsATargetWithVariables() throws Exception {
        Vmo.Result result = daemon.run("run", "vm", "status", "--", "ENV=dev");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("status of dev\n");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void coloursOnlyOnATerminalAndNeverWithNoColor() throws Exception {
        // `script` gives the CLI a real pseudo-terminal, as an interactive shell would.
        String onTerminal = underTerminal(Map.of());
        assertThat(onTerminal).contains("out").contains("\u001b[31merr").contains("\u001b[2mvmo: job ");
        String noColor = underTerminal(Map.of("NO_COLOR", "1"));
        assertThat(noColor).contains("err").doesNotContain("\u001b[");
        Vmo.Result piped = daemon.run("run", "vm", "colours");
        assertThat(piped.out() + piped.err()).doesNotContain("\u001b[");
    }

    private String underTerminal(Map<String, String> env) throws Exception {
        ProcessBuilder cli = daemon.cli("run", "vm", "colours");
        String command = String.join(" ", cli.command());
        ProcessBuilder script = new ProcessBuilder("script", "-qec", command, "/dev/null");
        script.environment().clear();
        script.environment().putAll(cli.environment());
        script.environment().putAll(env);
        return Vmo.run(script).out();
    }

    @Test
    void everyByteReachesCliClientAndStoreWithNulInvalidUtf8AndAHugeLine() throws Exception {
        var out = new ByteArrayOutputStream();
        out.writeBytes("plain line\n".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {'a', 0, 'b', 0, 0, '\n'}); // NUL bytes
        out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, 'x', (byte) 0xc3, '\n'}); // invalid UTF-8
        out.writeBytes("snowman ☃, emoji 😀, ü\n".getBytes(StandardCharsets.UTF_8));
        byte[] random = new byte[1 << 20];
        new Random(42).nextBytes(random);
        out.writeBytes(random); // 1 MB of anything
        out.writeBytes("x".repeat(10_000_000).getBytes(StandardCharsets.US_ASCII)); // a 10 MB line, no newline
        out.writeBytes("ü😀".repeat(100_000).getBytes(StandardCharsets.UTF_8)); // multi-byte across reads
        byte[] expectedOut = out.toByteArray();
        byte[] expectedErr = ("warning: ☃\n" + "e".repeat(100_000) + "\0end").getBytes(StandardCharsets.UTF_8);
        Files.write(project.resolve("out.bin"), expectedOut);
        Files.write(project.resolve("err.bin"), expectedErr);

        Vmo.Result cli = daemon.run("run", "vm", "payload");

        assertThat(cli.exitCode()).as("make's exit code").isEqualTo(2);
        String jobId = lastJobId();
        StoredJob stored = StoredJob.read(databaseUrl, jobId);
        assertThat(stored.status()).isEqualTo("failed");
        assertThat(stored.exitCode()).isEqualTo(2);
        assertThat(stored.seqs())
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, stored.events().size())
                                .boxed()
                                .toList());
        // The store keeps the exact bytes...
        assertThat(stored.bytes("stdout")).isEqualTo(expectedOut);
        assertThat(stored.bytes("stderr")).startsWith(Files.readAllBytes(project.resolve("err.bin")));
        // ...the CLI printed exactly those bytes (its output comes as binary frames)...
        assertThat(cli.stdout()).isEqualTo(expectedOut);
        assertThat(cli.stderr()).startsWith(stored.bytes("stderr"));
        assertThat(cli.err().substring(stored.text("stderr").length()))
                .matches("vmo: job " + jobId + " failed \\(exit code 2\\)\n");
        // ...and a JSON client replaying it gets the text they decode to (invalid bytes as U+FFFD).
        var codec = new io.vmo.protocol.Codec();
        try (RawSocket json = RawSocket.connect(daemon)) {
            json.send(codec.encode(new Request.JoinJob("1", jobId, 0)));
            StringBuilder replayed = new StringBuilder();
            long expectedSeq = 1;
            for (var m = codec.decode(json.next()); !(m instanceof Response.JobDone); m = codec.decode(json.next())) {
                if (m instanceof Response.JobLog log) {
                    assertThat(log.seq()).isEqualTo(expectedSeq++);
                    if (log.stream() == io.vmo.protocol.LogStream.STDOUT) {
                        replayed.append(log.chunk());
                    }
                }
            }
            assertThat(replayed.toString())
                    .isEqualTo(stored.text("stdout"))
                    .isEqualTo(new String(expectedOut, StandardCharsets.UTF_8));
        }
    }

    private String lastJobId() {
        try (DaemonClient client = daemon.connect()) {
            return client.call(new Request.ListJobs("1", 1), Response.JobList.class)
                    .jobs()
                    .getFirst()
                    .id();
        }
    }
}
