package io.vmo.cli;

import io.vmo.protocol.BuildInfo;
import io.vmo.protocol.Locations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who this client is to the daemon: the token it presents (env {@code VMO_TOKEN}, a personal token; else the token
 * file, by default the owner's), and what it says of itself on every connection — {@code X-Vmo-Client:
 * cli/<version>}, {@code X-Vmo-Os-User}, {@code X-Vmo-Host} — which the daemon records on the jobs it starts.
 */
final class ClientIdentity {

    /** A personal token, as `vmo users add` printed it; wins over any token file. */
    static final String TOKEN_ENV = "VMO_TOKEN";

    private ClientIdentity() {}

    /** The token to present: {@code VMO_TOKEN}, else the file's. */
    static String token(Path tokenFile) {
        String fromEnv = System.getenv(TOKEN_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        try {
            return Locations.readToken(tokenFile);
        } catch (NoSuchFileException e) {
            throw new CliException("no daemon token at " + tokenFile + "; start the daemon once with `vmo daemon`"
                    + " (it creates the token) as this user, or give a personal token (from `vmo users add`) in "
                    + TOKEN_ENV + " or with --token-file");
        } catch (IOException e) {
            throw new CliException("cannot read the daemon token " + tokenFile + ": " + e.getMessage());
        }
    }

    /** Where the presented token came from, for a refusal's message. */
    static String tokenSource(Path tokenFile) {
        String fromEnv = System.getenv(TOKEN_ENV);
        return fromEnv != null && !fromEnv.isBlank() ? "the token in $" + TOKEN_ENV : "the token in " + tokenFile;
    }

    /** The headers every request of this client carries, the token's included. */
    static Map<String, String> headers(String token) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token);
        headers.put("X-Vmo-Client", "cli/" + headerText(BuildInfo.read().version()));
        headers.put("X-Vmo-Os-User", headerText(System.getProperty("user.name", "unknown")));
        headers.put("X-Vmo-Host", headerText(hostName()));
        return headers;
    }

    /**
     * The kernel's host name, read from /proc where there is one: {@code InetAddress.getLocalHost()} also resolves
     * it, which can wait on DNS.
     */
    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            if (env != null && !env.isBlank()) {
                return env;
            }
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return "unknown";
            }
        }
    }

    /** Printable ASCII only: a header value must not break the request's lines. */
    private static String headerText(String value) {
        StringBuilder text = new StringBuilder();
        value.chars().limit(100).forEach(c -> text.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return text.toString();
    }
}
