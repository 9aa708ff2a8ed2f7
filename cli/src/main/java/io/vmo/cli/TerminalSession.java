package io.vmo.cli;

import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The user's terminal attached to an interactive job: raw mode, every keystroke sent as {@code stdin} (Ctrl-C,
 * Ctrl-D and Ctrl-Z included: they go to the program, not to vmo), the window size sent at attach and on every
 * SIGWINCH, the job's terminal output written as it comes. {@code Ctrl-]} then {@code d} detaches and leaves the
 * job running.
 */
final class TerminalSession {

    /** Ctrl-]: telnet's escape key, which no common program needs. */
    static final int ESCAPE = 0x1d;

    static final String DETACH_HINT = "detach with Ctrl-] then d";

    private final DaemonClient client;
    private final Console console;
    private volatile boolean detached;

    TerminalSession(DaemonClient client, Console console) {
        this.client = client;
        this.console = console;
    }

    /** Whether stdin and stdout are both a terminal: what attaching needs. */
    static boolean available() {
        return Console.isTerminal(0) && Console.isTerminal(1);
    }

    /** The terminal's current size, or null when vmo does not run in one. */
    static Size currentSize() {
        if (!available()) {
            return null;
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            Size size = terminal.getSize();
            return size.getColumns() > 0 && size.getRows() > 0 ? size : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Attaches over {@code first}; when the connection drops (a daemon restart) connects again with back-off and
     * attaches again, which replays the screen (or, for a job the restart lost, its last screen and its end).
     * Closes the connections it opens; {@code first} stays the caller's.
     */
    static int attachAcrossRestarts(DaemonClient first, DaemonOptions daemon, Console console, String jobId) {
        Reconnection reconnection = new Reconnection(daemon::connect, console);
        DaemonClient client = first;
        try {
            while (true) {
                try {
                    return new TerminalSession(client, console).attach(jobId);
                } catch (DaemonClient.ConnectionLost e) {
                    if (client != first) {
                        client.close();
                    }
                    client = reconnection.after(e, "`vmo attach " + jobId + "`");
                }
            }
        } finally {
            if (client != first) {
                client.close();
            }
        }
    }

    /** Attaches until the job ends (its exit code is returned) or the user detaches (0). */
    int attach(String jobId) {
        if (!available()) {
            throw new CliException("attaching needs a terminal (stdin and stdout); run this from one, or follow"
                    + " the output only with `vmo tail " + jobId + "`");
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            return attach(terminal, jobId);
        } catch (IOException e) {
            throw new CliException("cannot use this terminal: " + e.getMessage());
        }
    }

    private int attach(Terminal terminal, String jobId) throws IOException {
        Size size = terminal.getSize();
        boolean sized = size.getColumns() > 0 && size.getRows() > 0;
        String requestId = client.nextId();
        client.send(new Request.AttachJob(
                requestId, jobId, sized ? size.getColumns() : null, sized ? size.getRows() : null));
        Response.JobJoined joined = awaitJoined(requestId);
        String id = joined.job().id();

        Attributes original = terminal.getAttributes();
        terminal.setAttributes(raw(original));
        OutputStream out = terminal.output();
        try {
            // Only once in raw mode: a key typed after this line shows is the program's, never echoed by the tty.
            console.err.print(
                    console.styleErr(Console.Style.DIM, "vmo: attached to job " + id + "; " + DETACH_HINT) + "\r\n");
            console.err.flush();
            terminal.handle(Terminal.Signal.WINCH, signal -> {
                Size now = terminal.getSize();
                if (now.getColumns() > 0 && now.getRows() > 0) {
                    client.send(new Request.Resize(null, id, now.getColumns(), now.getRows()));
                }
            });
            Thread keys = Thread.ofPlatform().daemon().name("vmo-keys").start(() -> forwardKeys(terminal.input(), id));
            Response.JobDone done = printUntilDone(out, id);
            keys.interrupt();
            restore(terminal, original);
            if (done == null) {
                console.note("detached from job " + id + "; it keeps running: `vmo attach " + id.substring(0, 8)
                        + "` to return");
                return 0;
            }
            return JobFollower.exitCode(done, console);
        } finally {
            restore(terminal, original);
        }
    }

    private Response.JobJoined awaitJoined(String requestId) {
        while (true) {
            Response response = client.next();
            if (response instanceof Response.ErrorReply error
                    && (error.id() == null || error.id().equals(requestId))) {
                throw new CliException(DaemonClient.message(error));
            }
            if (response instanceof Response.JobJoined joined && requestId.equals(joined.id())) {
                return joined;
            }
        }
    }

    /** Writes the job's output until its end (returned) or a detach (null). */
    private Response.JobDone printUntilDone(OutputStream out, String jobId) throws IOException {
        while (true) {
            Response response = client.next();
            switch (response) {
                case Response.JobLog log -> {
                    switch (log.stream()) {
                        case PTY -> out.write(log.data());
                        // Output processing is off in raw mode: line ends must carry their own \r.
                        case STDOUT, STDERR, SYSTEM ->
                            out.write(log.chunk().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
                        case INPUT -> {} // someone typed: already visible in the output
                    }
                }
                case Response.JobDone done
                when done.jobId().equals(jobId) -> {
                    out.flush();
                    return done;
                }
                case Response.Ack ack
                when detached -> {
                    out.flush();
                    return null; // the leave-job sent on detach was answered
                }
                case Response.ErrorReply error -> {
                    out.write(("\r\nvmo: " + error.message() + "\r\n").getBytes(StandardCharsets.UTF_8));
                }
                default -> {}
            }
            if (!client.hasNext()) {
                out.flush();
            }
        }
    }

    /** Sends what is typed, decoded as UTF-8 (a character split across reads waits for its rest). */
    private void forwardKeys(InputStream in, String jobId) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        byte[] buf = new byte[4096];
        ByteBuffer pending = ByteBuffer.allocate(buf.length * 2 + 8);
        CharBuffer chars = CharBuffer.allocate(buf.length * 2 + 8);
        boolean escaped = false;
        try {
            for (int n; !detached && (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    int b = buf[i] & 0xff;
                    if (escaped) {
                        escaped = false;
                        if (b == 'd' || b == 'D') {
                            detach(jobId);
                            return;
                        }
                        pending.put((byte) ESCAPE); // not a detach: the program gets both keys
                    } else if (b == ESCAPE) {
                        escaped = true;
                        continue;
                    }
                    pending.put((byte) b);
                }
                pending.flip();
                decoder.decode(pending, chars, false);
                pending.compact();
                chars.flip();
                if (chars.hasRemaining()) {
                    client.send(new Request.Stdin(null, jobId, chars.toString()));
                }
                chars.clear();
            }
        } catch (IOException | RuntimeException e) {
            // the terminal or the connection has gone: the output side notices and ends
        }
    }

    private void detach(String jobId) {
        detached = true;
        client.send(new Request.LeaveJob(client.nextId(), jobId));
    }

    /** Like cfmakeraw: no echo, no line editing, no signals from keys, no CR/LF translation either way. */
    private static Attributes raw(Attributes original) {
        Attributes raw = new Attributes(original);
        raw.setLocalFlags(
                EnumSet.of(
                        Attributes.LocalFlag.ICANON,
                        Attributes.LocalFlag.ECHO,
                        Attributes.LocalFlag.ECHOE,
                        Attributes.LocalFlag.ECHOK,
                        Attributes.LocalFlag.ECHONL,
                        Attributes.LocalFlag.ISIG,
                        Attributes.LocalFlag.IEXTEN),
                false);
        raw.setInputFlags(
                EnumSet.of(
                        Attributes.InputFlag.IXON,
                        Attributes.InputFlag.ICRNL,
                        Attributes.InputFlag.INLCR,
                        Attributes.InputFlag.IGNCR,
                        Attributes.InputFlag.ISTRIP,
                        Attributes.InputFlag.BRKINT,
                        Attributes.InputFlag.INPCK,
                        Attributes.InputFlag.PARMRK),
                false);
        raw.setOutputFlags(EnumSet.of(Attributes.OutputFlag.OPOST), false);
        raw.setControlChar(Attributes.ControlChar.VMIN, 1);
        raw.setControlChar(Attributes.ControlChar.VTIME, 0);
        return raw;
    }

    private static void restore(Terminal terminal, Attributes original) {
        try {
            terminal.setAttributes(original);
            terminal.flush();
        } catch (RuntimeException ignored) {
            // the terminal has gone
        }
    }
}
