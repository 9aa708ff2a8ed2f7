package io.vmo.cli;

import io.vmo.protocol.Codec;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.Locations;
import io.vmo.protocol.LogFrame;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Message;
import io.vmo.protocol.ProjectInfo;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.TargetInfo;
import io.vmo.protocol.VmInfo;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training run of the client's AOT cache (JEP 483/514), made by {@code make build} through
 * {@code VMO_AOT_TRAINING=1 bin/vmo}: the commands people type most, run in one JVM against a loopback stand-in
 * for the daemon, so the cache holds the classes (and profiles) of what they load: picocli's model of a
 * subcommand, the codec, the WebSocket client, the printing. Not a test double in the product's path: the
 * stand-in answers from canned replies only here, and only the training runs it.
 *
 * <p>Refuses to run unless {@code XDG_CONFIG_HOME} is a scratch directory of its own (it puts a token there for the
 * commands to read), so it can never touch a user's token.
 */
final class AotTraining {

    private static final String JOB_ID = "7d9e4a52-3c1b-4e0f-9a6d-2b8c5f1e0a37";

    private final Codec codec = new Codec();

    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        Path token = Locations.fromEnvironment().tokenFile();
        String scratch = System.getenv("VMO_AOT_SCRATCH");
        if (scratch == null || !token.startsWith(Path.of(scratch))) {
            throw new IllegalStateException("the AOT training writes a token: run it through bin/vmo with"
                    + " VMO_AOT_TRAINING=1, which gives it a scratch XDG_CONFIG_HOME");
        }
        Files.createDirectories(token.getParent());
        Files.writeString(token, "training\n");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AotTraining training = new AotTraining();
            Thread.ofPlatform().daemon().name("aot-daemon").start(() -> training.serve(server));
            String daemon = "127.0.0.1:" + server.getLocalPort();
            List<List<String>> commands = List.of(
                    List.of("--help"),
                    List.of("jobs", "--help"),
                    List.of("jobs", "-n", "20", "--daemon", daemon),
                    List.of("jobs", "--json", "--daemon", daemon),
                    List.of("run", "demo", "quick", "--daemon", daemon),
                    List.of("tail", JOB_ID.substring(0, 8), "--daemon", daemon),
                    List.of("projects", "--daemon", daemon),
                    List.of("targets", "demo", "--daemon", daemon),
                    List.of("vms", "--daemon", daemon),
                    List.of("__complete", "--daemon", daemon, "TARGET", "demo"),
                    List.of("completion", "bash"));
            for (List<String> command : commands) {
                String[] argv = command.toArray(String[]::new);
                int status = Vmo.commandLine(argv).execute(argv);
                if (status != 0) {
                    throw new IllegalStateException("training: vmo " + String.join(" ", command) + " exited " + status);
                }
            }
        }
        // What System.exit does at the end of every command (Vmo.main): since JDK 21 it asks a System.Logger
        // whether to log the exit, which loads ~30 classes of the JDK's logging the commands above never touch.
        System.exit(0);
    }

    /** The daemon's side of each connection, one after another (the commands run one at a time). */
    private void serve(ServerSocket server) {
        while (true) {
            try (Socket socket = server.accept()) {
                converse(socket);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void converse(Socket socket) throws IOException {
        var in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        OutputStream out = socket.getOutputStream();
        String key = null;
        for (String line; !(line = readLine(in)).isEmpty(); ) {
            if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
                key = line.substring(18).trim();
            }
        }
        String accept = WebSocketConnection.accept(key);
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: " + LogFrame.SUBPROTOCOL
                        + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] mask = new byte[4];
            in.readFully(mask);
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            switch (b0 & 0x0F) {
                case 0x1 -> {
                    for (Object reply : replies(codec.decode(new String(payload, StandardCharsets.UTF_8)))) {
                        if (reply instanceof ByteBuffer binary) {
                            frame(out, 0x2, binary.array());
                        } else {
                            frame(out, 0x1, codec.encode(reply).getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
                case 0x8 -> {
                    frame(out, 0x8, payload);
                    return;
                }
                default -> {} // pongs: the client's heartbeat
            }
        }
    }

    /** What the daemon would answer: text messages, and log frames as binary ones. */
    private List<Object> replies(Message message) {
        Instant now = Instant.now();
        JobInfo running = job(JobStatus.RUNNING, null, now, null);
        JobInfo done = job(JobStatus.SUCCESS, 0, now.minusSeconds(3), now);
        List<Object> replies = new ArrayList<>();
        // Not a pattern switch: its bootstrap would load the ClassFile API, and whatever the training loads, the
        // cache keeps and every command then loads at its start (140 classes).
        if (message instanceof Request.ListJobs r) {
            replies.add(new Response.JobList(r.id(), List.of(running, done, done)));
        } else if (message instanceof Request.ExecuteCommand r) {
            replies.add(new Response.JobStarted(r.id(), running));
        } else if (message instanceof Request.GetJob r) {
            replies.add(new Response.JobFound(r.id(), done));
        } else if (message instanceof Request.JoinJob r) {
            replies.add(new Response.JobJoined(r.id(), running));
            replies.add(LogFrame.encode(new Response.JobLog(JOB_ID, 1, LogStream.STDOUT, "quick\n", now)));
            replies.add(new Response.JobDone(null, JOB_ID, JobStatus.SUCCESS, 0, now));
        } else if (message instanceof Request.ListProjects r) {
            replies.add(new Response.ProjectList(
                    r.id(), List.of(new ProjectInfo("demo", "/srv/demo", null), new ProjectInfo("x", "/x", "gone"))));
        } else if (message instanceof Request.ListTargets r) {
            replies.add(new Response.TargetList(
                    r.id(),
                    r.project(),
                    List.of(new TargetInfo("quick", "prints a line"), new TargetInfo("build", null)),
                    null));
        } else if (message instanceof Request.ListVms r) {
            replies.add(new Response.VmList(
                    r.id(),
                    List.of(new VmInfo(
                            "dev",
                            "lab",
                            "10.0.0.5",
                            "ops",
                            "dev",
                            "vm-config",
                            Map.of("app", List.of("tail")),
                            null))));
        } else if (message instanceof Request r) {
            replies.add(new Response.ErrorReply(r.id(), ErrorCode.BAD_REQUEST, "not trained"));
        }
        return replies;
    }

    private static JobInfo job(JobStatus status, Integer exit, Instant started, Instant finished) {
        return new JobInfo(
                JOB_ID,
                "make",
                "demo",
                "quick",
                List.of(),
                null,
                List.of("make", "quick"),
                status,
                exit,
                started,
                finished,
                1,
                false,
                new io.vmo.protocol.Provenance("owner", "cli", "0.1.0", "127.0.0.1", "me", "here"));
    }

    private static void frame(OutputStream out, int opcode, byte[] payload) throws IOException {
        var header = ByteBuffer.allocate(10).put((byte) (0x80 | opcode));
        if (payload.length < 126) {
            header.put((byte) payload.length);
        } else if (payload.length <= 0xFFFF) {
            header.put((byte) 126).putShort((short) payload.length);
        } else {
            header.put((byte) 127).putLong(payload.length);
        }
        out.write(header.array(), 0, header.position());
        out.write(payload);
        out.flush();
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("closed in the handshake");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
