package io.vmo.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The make project the benchmark's jobs run: a Makefile whose targets pace output with small Python scripts, cat a
 * prepared file, or sit idle. The same argv is used for the daemon's jobs and for the raw-pipe baselines.
 */
final class BenchProject {

    static final String ALIAS = "bench";

    /**
     * Latency probe: after DELAY seconds, writes SIZE-byte lines at RATE bytes/s for SECONDS; each line starts with
     * its number and {@code time.time_ns()} taken just before the write(2) (one write per line, no buffering).
     */
    private static final String LINES_PY = """
            import os, sys, time
            seconds, rate, size, delay = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
            interval = size / rate
            count = int(seconds / interval)
            time.sleep(delay)
            start = time.monotonic()
            for i in range(count):
                wait = start + i * interval - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                head = b"%d %d " % (i, time.time_ns())
                os.write(1, head + b"." * (size - len(head) - 1) + b"\\n")
            """;

    /**
     * Paced bulk writer: BLOCK-byte writes of random printable ASCII (about one newline per 64 bytes) at RATE bytes/s
     * for SECONDS, on an absolute schedule; then writes "bytes sha256 start_ns end_ns blocked_s cpu_s" to REPORT:
     * exactly what it wrote (so that is known independently of vmo), when, how long its write(2)s blocked on a full
     * pipe, and the CPU time it used.
     */
    private static final String PACED_PY = """
            import hashlib, os, sys, time
            seconds, rate, block, report = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
            table = bytes(10 if b % 64 == 0 else 32 + b % 95 for b in range(256))
            pool = memoryview(os.urandom(1 << 20).translate(table))
            interval = block / rate
            count = int(seconds / interval)
            digest = hashlib.sha256()
            written = 0
            blocked = 0.0
            start_ns = time.time_ns()
            start = time.monotonic()
            for i in range(count):
                wait = start + i * interval - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                offset = (i * 7919 * 64) % (len(pool) - block)
                data = pool[offset:offset + block]
                done = 0
                before = time.monotonic()
                while done < block:
                    done += os.write(1, data[done:])
                blocked += time.monotonic() - before
                digest.update(data)
                written += block
            end_ns = time.time_ns()
            with open(report, "w") as f:
                f.write("%d %s %d %d %.6f %.6f\\n" % (written, digest.hexdigest(), start_ns, end_ns, blocked,
                                                     time.process_time()))
            """;

    private static final String MAKEFILE = """
            # Written by io.vmo.bench.Bench; targets for the benchmark's jobs.
            PY := %s
            .PHONY: lines paced flood timed idle quick
            lines:
            \t@$(PY) lines.py $(SECONDS) $(RATE) $(SIZE) $(DELAY)
            paced:
            \t@$(PY) paced.py $(SECONDS) $(RATE) $(BLOCK) $(REPORT)
            flood:
            \t@cat $(FILE)
            timed:
            \t@t0=$$(date +%%s%%N); cat $(FILE) || exit 1; t1=$$(date +%%s%%N); echo "$$t0 $$t1" > $(REPORT)
            idle:
            \t@echo started; exec sleep $(SECONDS)
            quick:
            \t@echo one line
            """;

    final Path dir;
    final String python;

    private BenchProject(Path dir, String python) {
        this.dir = dir;
        this.python = python;
    }

    static BenchProject create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        // The real interpreter, not a version-manager shim that would add its own start-up to every job.
        String python = Machine.run("python3", "-c", "import sys; print(sys.executable)")
                .strip();
        Files.writeString(dir.resolve("Makefile"), MAKEFILE.formatted(python));
        Files.writeString(dir.resolve("lines.py"), LINES_PY);
        Files.writeString(dir.resolve("paced.py"), PACED_PY);
        return new BenchProject(dir, python);
    }

    /** The argv the daemon runs for a target (see MakeCommand and LocalProcess), for the raw-pipe baselines. */
    List<String> argv(String target, List<String> args) {
        List<String> argv =
                new ArrayList<>(List.of("setsid", "make", "-C", dir.toString(), "--no-print-directory", "--", target));
        argv.addAll(args);
        return argv;
    }

    /**
     * Writes {@code size} bytes of build-log-like ASCII text (varied lines of timestamps, levels, paths, numbers and
     * hashes; about as compressible as real logs) to {@code file}; returns the count and SHA-256.
     */
    static Digest.Result generateLog(Path file, long size) throws IOException {
        String[] levels = {"INFO ", "INFO ", "INFO ", "DEBUG", "WARN ", "ERROR"};
        String[] words = {
            "compiling",
            "linking",
            "resolving",
            "downloading",
            "testing",
            "packaging",
            "copying",
            "generating",
            "checking",
            "skipping",
            "module",
            "target",
            "dependency",
            "artifact",
            "cache",
            "layer",
            "image",
            "volume",
            "network",
            "service",
            "config",
            "schema",
            "index",
            "snapshot",
            "release",
            "build"
        };
        String hex = "0123456789abcdef";
        var random = new SplittableRandom(20240601);
        var digest = new Digest();
        byte[] line = new byte[512];
        long written = 0;
        long millis = 1_717_200_000_000L;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            StringBuilder sb = new StringBuilder(512);
            while (written < size) {
                sb.setLength(0);
                millis += random.nextInt(50);
                sb.append(millis / 1000)
                        .append('.')
                        .append(String.format("%03d", millis % 1000))
                        .append(' ')
                        .append(levels[random.nextInt(levels.length)])
                        .append(" [worker-")
                        .append(random.nextInt(16))
                        .append("] ");
                int n = 3 + random.nextInt(12);
                for (int i = 0; i < n; i++) {
                    switch (random.nextInt(5)) {
                        case 0 ->
                            sb.append('/')
                                    .append(words[random.nextInt(words.length)])
                                    .append('/')
                                    .append(words[random.nextInt(words.length)])
                                    .append(".o");
                        case 1 -> sb.append(random.nextInt(100_000));
                        case 2 -> {
                            for (int h = 0; h < 12; h++) {
                                sb.append(hex.charAt(random.nextInt(16)));
                            }
                        }
                        default -> sb.append(words[random.nextInt(words.length)]);
                    }
                    sb.append(' ');
                }
                sb.setCharAt(sb.length() - 1, '\n');
                byte[] bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);
                int length = (int) Math.min(bytes.length, size - written);
                System.arraycopy(bytes, 0, line, 0, length);
                out.write(line, 0, length);
                digest.update(line, 0, length);
                written += length;
            }
        }
        return digest.finish();
    }
}
