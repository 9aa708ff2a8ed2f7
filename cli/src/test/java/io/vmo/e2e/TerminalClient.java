package io.vmo.e2e;

import io.vmo.protocol.Codec;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Message;
import io.vmo.protocol.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * A protocol client for interactive jobs, as the web UI will be one: it sends the contract's JSON by hand (so the
 * test pins the wire format) and reads the replies with the protocol's codec. It keeps the terminal output it
 * has been sent, so a test can wait for what the program prints.
 */
final class TerminalClient implements AutoCloseable {

    private final RawSocket socket;
    private final Codec codec = new Codec();
    private final StringBuilder screen = new StringBuilder();
    private final List<Response.JobLog> logs = new ArrayList<>();
    private Response.JobDone done;

    private TerminalClient(RawSocket socket) {
        this.socket = socket;
    }

    static TerminalClient connect(TestDaemon daemon) throws java.io.IOException {
        return new TerminalClient(RawSocket.connect(daemon));
    }

    TerminalClient send(String json) {
        socket.send(json);
        return this;
    }

    /** Sends a request and returns its reply of that type; job:log and job:done met on the way are kept. */
    <T extends Response> T call(String json, Class<T> type) throws InterruptedException {
        send(json);
        return next(type);
    }

    <T extends Response> T next(Class<T> type) throws InterruptedException {
        while (true) {
            Response response = next();
            if (type.isInstance(response)) {
                return type.cast(response);
            }
            if (response instanceof Response.ErrorReply error) {
                throw new AssertionError("unexpected error: " + error);
            }
        }
    }

    /** The next message, recording output on the way. */
    Response next() throws InterruptedException {
        String text = socket.next();
        if (text.startsWith("CLOSED ")) {
            throw new AssertionError("the daemon closed the connection: " + text);
        }
        Message message = codec.decode(text);
        Response response = (Response) message;
        if (response instanceof Response.JobLog log) {
            logs.add(log);
            if (log.stream() == LogStream.PTY) {
                screen.append(log.chunk());
            }
        } else if (response instanceof Response.JobDone d && d.id() == null) {
            done = d;
        }
        return response;
    }

    /** Reads until the terminal output so far contains {@code text} (30 s per message at most). */
    void awaitScreen(String text) throws InterruptedException {
        while (!screen.toString().contains(text)) {
            if (done != null) {
                throw new AssertionError("the job ended before printing \"" + text + "\"; it printed:\n" + screen);
            }
            next();
        }
    }

    /** Reads until the job's job:done. */
    Response.JobDone awaitDone() throws InterruptedException {
        while (done == null) {
            next();
        }
        return done;
    }

    String screen() {
        return screen.toString();
    }

    List<Response.JobLog> logs() {
        return logs;
    }

    /** A JSON string literal. */
    static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    TerminalClient stdin(String jobId, String data) {
        return send("{\"v\":1,\"type\":\"stdin\",\"jobId\":" + json(jobId) + ",\"data\":" + json(data) + "}");
    }

    TerminalClient resize(String jobId, int cols, int rows) {
        return send("{\"v\":1,\"type\":\"resize\",\"jobId\":" + json(jobId) + ",\"cols\":" + cols + ",\"rows\":" + rows
                + "}");
    }

    @Override
    public void close() {
        socket.close();
    }
}
