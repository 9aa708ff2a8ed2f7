package io.vmo.daemon.web;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.ProjectInfo;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every endpoint of the daemon's port besides the web UI's files, in one table: {@link RequestGuard} reads from it
 * who may call a path, {@link RestHandler} what serves it. A REST call is a protocol request like any other: its
 * path parameters, query parameters and JSON body become the fields of the request of the route's {@code type},
 * decoded and validated by the same code as a WebSocket message, and handed to the same {@link RequestHandler}.
 */
final class Routes {

    /** Who may call a route. */
    enum Access {
        /** Anyone who names the daemon in Host: nothing secret is behind it. */
        PUBLIC,
        /** The bearer token, or a browser's session cookie. */
        SIGNED_IN,
        /** The bearer token only: what a browser session may not do. */
        TOKEN_ONLY
    }

    /** What serves a route. */
    sealed interface Action permits Call, Http {}

    /**
     * A protocol request of {@code type}: its fields are the route's path parameters, the query parameters named
     * in {@code query} (URL name to field name) and, with {@code jsonBody}, the fields of the body's JSON object;
     * {@code body} turns the reply into what the REST API answers.
     */
    record Call(String type, Map<String, String> query, boolean jsonBody, Function<Response, Object> body)
            implements Action {}

    /** Served by the HTTP layer itself: these are about the connection, not about jobs. */
    enum Http implements Action {
        HEALTH,
        SESSION,
        WEBSOCKET
    }

    /** {@code path} is a template: a segment {@code {name}} matches any one segment, which becomes field name. */
    record Route(HttpMethod method, String path, Access access, Action action) {

        /** The path parameters, decoded, if this route serves the request; segments are split before decoding. */
        Optional<Map<String, String>> match(HttpMethod requestMethod, String rawPath) {
            String[] want = path.split("/", -1);
            String[] got = rawPath.split("/", -1);
            if (!method.equals(requestMethod) || want.length != got.length) {
                return Optional.empty();
            }
            Map<String, String> params = new HashMap<>();
            for (int i = 0; i < want.length; i++) {
                if (want[i].startsWith("{") && !got[i].isEmpty()) {
                    params.put(want[i].substring(1, want[i].length() - 1), QueryStringDecoder.decodeComponent(got[i]));
                } else if (!want[i].equals(got[i])) {
                    return Optional.empty();
                }
            }
            return Optional.of(params);
        }
    }

    /** A request's route with its path parameters. */
    record Match(Route route, Map<String, String> params) {}

    /** REST bodies: named records rather than bare arrays, so fields can be added later. */
    record Jobs(List<JobInfo> jobs) {}

    record Events(String jobId, List<Response.JobLog> events, long lastSeq) {}

    record Projects(List<ProjectInfo> projects) {}

    record Vms(List<VmInfo> vms) {}

    record AuditEvents(List<io.vmo.protocol.AuditEvent> events) {}

    static final String WEBSOCKET_PATH = "/ws";

    static final List<Route> ALL = List.of(
            new Route(HttpMethod.GET, "/healthz", Access.PUBLIC, Http.HEALTH),
            new Route(HttpMethod.GET, WEBSOCKET_PATH, Access.SIGNED_IN, Http.WEBSOCKET),
            new Route(HttpMethod.GET, "/api/session", Access.SIGNED_IN, Http.SESSION),
            new Route(
                    HttpMethod.POST,
                    "/api/login-links",
                    Access.TOKEN_ONLY,
                    new Call(
                            "create-login-link",
                            Map.of(),
                            true,
                            reply(Response.LoginLink.class, r -> new RestHandler.LoginLink(r.path(), r.user())))),
            new Route(
                    HttpMethod.GET,
                    "/api/jobs",
                    Access.SIGNED_IN,
                    new Call(
                            "list-jobs",
                            Map.of("limit", "limit", "user", "user"),
                            false,
                            reply(Response.JobList.class, r -> new Jobs(r.jobs())))),
            new Route(
                    HttpMethod.POST,
                    "/api/jobs/cancel",
                    Access.SIGNED_IN,
                    new Call("cancel-job", Map.of(), true, reply(Response.JobDone.class, r -> r))),
            new Route(
                    HttpMethod.GET,
                    "/api/jobs/{jobId}",
                    Access.SIGNED_IN,
                    new Call("get-job", Map.of(), false, reply(Response.JobFound.class, Response.JobFound::job))),
            new Route(
                    HttpMethod.GET,
                    "/api/jobs/{jobId}/events",
                    Access.SIGNED_IN,
                    new Call(
                            "list-events",
                            Map.of("since", "sinceSeq", "limit", "limit"),
                            false,
                            reply(Response.EventPage.class, r -> new Events(r.jobId(), r.events(), r.lastSeq())))),
            new Route(
                    HttpMethod.GET,
                    "/api/projects",
                    Access.SIGNED_IN,
                    new Call(
                            "list-projects",
                            Map.of(),
                            false,
                            reply(Response.ProjectList.class, r -> new Projects(r.projects())))),
            new Route(
                    HttpMethod.GET,
                    "/api/projects/{project}/targets",
                    Access.SIGNED_IN,
                    new Call("list-targets", Map.of(), false, reply(Response.TargetList.class, r -> r))),
            // Admin only, as on the socket (Permissions): an admin's browser session may read it too.
            new Route(
                    HttpMethod.GET,
                    "/api/audit",
                    Access.SIGNED_IN,
                    new Call(
                            "list-audit",
                            Map.of("since", "since", "user", "user", "limit", "limit"),
                            false,
                            reply(Response.AuditList.class, r -> new AuditEvents(r.events())))),
            new Route(
                    HttpMethod.GET,
                    "/api/audit/verify",
                    Access.SIGNED_IN,
                    new Call("verify-audit", Map.of(), false, reply(Response.AuditVerified.class, r -> r))),
            new Route(
                    HttpMethod.GET,
                    "/api/vms",
                    Access.SIGNED_IN,
                    new Call("list-vms", Map.of(), false, reply(Response.VmList.class, r -> new Vms(r.vms())))),
            // An administrator's request once users have roles (issue 15): the authorization table maps "prune".
            new Route(
                    HttpMethod.POST,
                    "/api/prune",
                    Access.SIGNED_IN,
                    new Call("prune", Map.of("dryRun", "dryRun"), true, reply(Response.PruneReport.class, r -> r))),
            new Route(
                    HttpMethod.GET,
                    "/api/storage",
                    Access.SIGNED_IN,
                    new Call(
                            "get-storage", Map.of(), false, reply(Response.Storage.class, Response.Storage::storage))));

    private Routes() {}

    /** The route that serves a request, if any: the first in the table whose method and path match. */
    static Optional<Match> find(HttpMethod method, String uri) {
        String rawPath = new QueryStringDecoder(uri).rawPath();
        for (Route route : ALL) {
            Optional<Map<String, String>> params = route.match(method, rawPath);
            if (params.isPresent()) {
                return Optional.of(new Match(route, params.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * Who may make a request: its route's access; the web UI's files are public; anything else under
     * {@code /api} or {@code /ws} needs a sign-in before it is told there is no such endpoint.
     */
    static Access access(HttpMethod method, String uri) {
        return find(method, uri)
                .map(m -> m.route().access())
                .orElse(WebUi.isUiPath(new QueryStringDecoder(uri).path()) ? Access.PUBLIC : Access.SIGNED_IN);
    }

    /** The table, for a message that tells a caller what exists. */
    static String list() {
        return ALL.stream()
                .filter(r -> r.action() != Http.WEBSOCKET)
                .map(r -> r.method() + " " + r.path())
                .collect(Collectors.joining(", "));
    }

    private static <R extends Response> Function<Response, Object> reply(Class<R> type, Function<R, Object> body) {
        return response -> body.apply(type.cast(response));
    }
}
