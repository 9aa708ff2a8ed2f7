package io.vmo.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket that sends whatever a test wants (bad JSON, binary, huge frames, any headers) and keeps the replies. */
final class RawSocket implements AutoCloseable {

    private final WebSocket socket;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    private RawSocket(Map<String, String> headers, String address) {
        var builder = HttpClient.newHttpClient().newWebSocketBuilder();
        headers.forEach(builder::header);
        socket = builder.buildAsync(URI.create("ws://" + address + "/ws"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            received.add(text.toString());
                            text.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                        received.add("CLOSED " + status + " " + reason);
                        return null;
                    }
                })
                .join();
    }

    /** Connects with exactly these headers; throws (CompletionException) if the upgrade is refused. */
    static RawSocket connect(String address, Map<String, String> headers) {
        return new RawSocket(headers, address);
    }

    static RawSocket connect(TestDaemon daemon) throws IOException {
        return connect(daemon.address(), Map.of("Authorization", "Bearer " + daemon.token()));
    }

    /**
     * A raw HTTP exchange on a plain TCP socket, for requests no HTTP client would send (two Host headers, …): what
     * the daemon answers until it closes the connection, or within 5 s if it keeps it open (an upgrade).
     */
    static String http(String address, String request) throws IOException {
        return http(address, request, Duration.ofSeconds(5));
    }

    /** As {@link #http(String, String)}, waiting at most {@code quiet} for each further byte. */
    static String http(String address, String request, Duration quiet) throws IOException {
        int colon = address.lastIndexOf(':');
        try (Socket socket = new Socket(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))) {
            socket.setSoTimeout((int) quiet.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            var received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException stillOpen) {
                // what came so far is the answer
            }
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    RawSocket send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    RawSocket sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
        return this;
    }

    /** The next message, or a failure after 30 s. */
    String next() throws InterruptedException {
        String message = received.poll(30, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message from the daemon within 30 s");
        }
        return message;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
