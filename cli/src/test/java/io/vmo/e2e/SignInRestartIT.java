package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon that dies and starts again costs its browsers nothing: a signed-in page stays signed in, a login link
 * printed before and not used yet still works, once, and a used one still does not.
 */
@ExtendWith(SharedPostgres.Resolver.class)
class SignInRestartIT {

    final HttpClient http = HttpClient.newHttpClient(); // follows no redirects

    @Test
    void signInsSurviveADaemonKilledAndStartedAgain(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        try (TestDaemon daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase())) {
            String used = loginPath(daemon);
            String unused = loginPath(daemon);
            var login = get(daemon, used, null);
            assertThat(login.statusCode()).isEqualTo(303);
            String setCookie = login.headers().firstValue("set-cookie").orElseThrow();
            String session = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
            assertThat(authenticated(daemon, session)).isTrue();

            daemon.kill(); // SIGKILL: no chance to save anything on the way out
            daemon.restart();

            assertThat(authenticated(daemon, session))
                    .as("the page signed in before the restart")
                    .isTrue();
            assertThat(authenticated(daemon, "forged")).isFalse();
            assertThat(get(daemon, used, null).statusCode()).isEqualTo(401);
            assertThat(get(daemon, unused, null).statusCode()).isEqualTo(303);
            assertThat(get(daemon, unused, null).statusCode())
                    .as("a link works once, restart or not")
                    .isEqualTo(401);
        }
    }

    private static String loginPath(TestDaemon daemon) throws Exception {
        String link = daemon.run("ui").out().strip();
        return link.substring(link.indexOf("/login"));
    }

    /**
     * What the web UI asks first. The restarted test daemon listens on another port, and cookies are named by the
     * port, so the session is sent under the name of the port asked (as a browser would on the same port).
     */
    private boolean authenticated(TestDaemon daemon, String session) throws Exception {
        String port = daemon.address().substring(daemon.address().lastIndexOf(':') + 1);
        var response = get(daemon, "/api/session", "vmo-session-" + port + "=" + session);
        return response.body().contains("\"authenticated\":true");
    }

    private HttpResponse<String> get(TestDaemon daemon, String path, String cookie) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://" + daemon.address() + path));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
