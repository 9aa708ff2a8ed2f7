package io.vmo.cli;

import io.vmo.protocol.Codec;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code vmo ui}: a fresh one-time login link for the web UI, for a second browser or after the first was used. The
 * link signs in the token's user, or with {@code --user} another user (an admin's token only).
 */
final class UiCommand implements Callable<Integer> {

    private static final Pattern PATH = Pattern.compile("\"path\"\\s*:\\s*\"([^\"]+)\"");

    final CommandSpec spec =
            Specs.command(this, "ui", "Print a one-time link that signs a browser in to the daemon's web UI.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final OptionSpec user = Specs.add(
            spec,
            OptionSpec.builder("--user")
                    .paramLabel("NAME")
                    .type(String.class)
                    .description("Sign the browser in as this user (needs an admin's token); default: the user whose"
                            + " token this is."));

    UiCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() throws InterruptedException {
        String token = ClientIdentity.token(daemon.tokenFile());
        DaemonAddress where = DaemonAddress.parse(daemon.address());
        String base = where.url();
        String name = user.getValue();
        String body = name == null ? "{}" : new Codec().encode(java.util.Map.of("user", name));
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        ClientTls tls = where.secure() ? ClientTls.forDaemon(where, daemon.ca(), true) : null;
        if (tls != null) {
            http.sslContext(tls.context());
        }
        HttpResponse<String> response;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/login-links"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            ClientIdentity.headers(token).forEach(request::header);
            response = http.build().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            // No catch of SSLException here: `vmo --help` builds this command, and the catch would load TLS classes.
            if (tls != null && e instanceof IOException failure && ClientTls.isTlsFailure(failure)) {
                throw new CliException(tls.explain(failure));
            }
            String why = e instanceof ConnectException ? "connection refused" : String.valueOf(e.getMessage());
            throw new CliException("cannot reach the vmo daemon at " + daemon.address() + " (" + why + "); start it"
                    + " with `vmo daemon` (or `make run` in the vmo checkout)");
        }
        Matcher m = PATH.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new CliException("the daemon at " + daemon.address() + " refused (HTTP " + response.statusCode()
                    + "): " + refusal(response.body()));
        }
        System.out.println(base + m.group(1));
        return 0;
    }

    /** The daemon's error body in words ({@code forbidden: …}), or the body itself. */
    private static String refusal(String body) {
        try {
            if (new Codec().decode(body) instanceof Response.ErrorReply error) {
                return DaemonClient.message(error);
            }
        } catch (VmoException e) {
            // not the daemon's error body
        }
        return body;
    }
}
