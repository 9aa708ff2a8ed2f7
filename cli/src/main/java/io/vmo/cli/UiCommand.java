package io.vmo.cli;

import io.vmo.protocol.Locations;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vmo ui}: a fresh one-time login link for the web UI, for a second browser or after the first was used. */
final class UiCommand implements Callable<Integer> {

    private static final Pattern PATH = Pattern.compile("\"path\"\\s*:\\s*\"([^\"]+)\"");

    final CommandSpec spec =
            Specs.command(this, "ui", "Print a one-time link that signs a browser in to the daemon's web UI.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    UiCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() throws InterruptedException {
        Path tokenFile = Locations.fromEnvironment().tokenFile();
        String token;
        try {
            token = Locations.readToken(tokenFile);
        } catch (NoSuchFileException e) {
            throw new CliException("no daemon token at " + tokenFile + "; start the daemon once with `vmo daemon`");
        } catch (IOException e) {
            throw new CliException("cannot read the daemon token " + tokenFile + ": " + e.getMessage());
        }
        DaemonAddress where = DaemonAddress.parse(daemon.address());
        String base = where.url();
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        ClientTls tls = where.secure() ? ClientTls.forDaemon(where, daemon.ca(), true) : null;
        if (tls != null) {
            http.sslContext(tls.context());
        }
        HttpResponse<String> response;
        try {
            response = http.build()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/api/login-links"))
                                    .header("Authorization", "Bearer " + token)
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
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
                    + "): " + response.body());
        }
        System.out.println(base + m.group(1));
        return 0;
    }
}
