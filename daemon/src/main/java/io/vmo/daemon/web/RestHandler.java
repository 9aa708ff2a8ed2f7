package io.vmo.daemon.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vmo.daemon.catalog.Catalog;
import io.vmo.daemon.job.JobManager;
import io.vmo.daemon.store.StoreHealth;
import io.vmo.protocol.Codec;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobInfo;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmoException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST API: reads that mirror the socket's, for scripts and curl. Each request runs on a virtual thread
 * (they wait on the database), never on a network thread.
 */
@io.netty.channel.ChannelHandler.Sharable
final class RestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** Bodies returned by the REST API: named records rather than bare arrays, so fields can be added later. */
    /**
     * {@code /healthz}: {@code status} "ok" and {@code store} "ok" (HTTP 200) only while the store accepts writes;
     * else "unavailable"/"down" with the {@code problem} and since when (HTTP 503).
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record Health(String status, String store, String problem, java.time.Instant since) {}

    record Jobs(List<JobInfo> jobs) {}

    record Events(String jobId, List<Response.JobLog> events, long lastSeq) {}

    record CancelBody(String jobId) {}

    record Projects(List<io.vmo.protocol.ProjectInfo> projects) {}

    record Vms(List<io.vmo.protocol.VmInfo> vms) {}

    /** A one-time browser login, relative to the daemon's address as the client reached it. */
    record LoginLink(String path) {}

    record Session(boolean authenticated) {}

    private static final Pattern JOB = Pattern.compile("/api/jobs/([^/]+)");
    private static final Pattern JOB_EVENTS = Pattern.compile("/api/jobs/([^/]+)/events");
    private static final Pattern TARGETS = Pattern.compile("/api/projects/([^/]+)/targets");
    private static final int MAX_EVENTS = 1000;

    private final JobManager jobs;
    private final Catalog catalog;
    private final StoreHealth health;
    private final BrowserSessions sessions;
    private final Codec codec;
    private final HttpResponses responses;
    private final ExecutorService executor;

    RestHandler(JobManager jobs, Catalog catalog, StoreHealth health, BrowserSessions sessions, Codec codec,
            HttpResponses responses, ExecutorService executor) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.health = health;
        this.sessions = sessions;
        this.codec = codec;
        this.responses = responses;
        this.executor = executor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        request.retain();
        executor.execute(() -> {
            try {
                if (request.method().equals(HttpMethod.GET)
                        && new QueryStringDecoder(request.uri()).path().equals("/healthz")) {
                    StoreHealth.Status store = health.check();
                    responses.json(ctx, request, store.ok() ? HttpResponseStatus.OK
                            : HttpResponseStatus.SERVICE_UNAVAILABLE, store.ok()
                            ? new Health("ok", "ok", null, null)
                            : new Health("unavailable", "down", store.problem(), store.since()));
                    return;
                }
                Object body = route(request);
                responses.json(ctx, request, HttpResponseStatus.OK, body);
            } catch (VmoException e) {
                responses.error(ctx, request, status(e.code()), e.code(), e.getMessage());
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(RestHandler.class).error("{} {} failed", request.method(),
                        request.uri(), e);
                responses.error(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL,
                        "internal error: " + e + "; see the daemon's log");
            } finally {
                request.release();
            }
        });
    }

    private Object route(FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String path = query.path();
        HttpMethod method = request.method();
        Matcher m;
        if (method.equals(HttpMethod.GET) && path.equals("/api/session")) {
            return new Session(true); // the guard let it through: the caller is signed in
        }
        if (method.equals(HttpMethod.POST) && path.equals(RequestGuard.LOGIN_LINKS)) {
            return new LoginLink("/login?token=" + sessions.newLoginToken());
        }
        if (method.equals(HttpMethod.GET) && path.equals("/api/jobs")) {
            return new Jobs(jobs.recent(new Request.ListJobs(null, intParam(query, "limit", null)).limit()));
        }
        if (method.equals(HttpMethod.POST) && path.equals("/api/jobs/cancel")) {
            CancelBody body = codec.decode(request.content().toString(StandardCharsets.UTF_8), CancelBody.class);
            if (body.jobId() == null) {
                throw new VmoException(ErrorCode.BAD_REQUEST, "body must be {\"jobId\": \"<job id or prefix>\"}");
            }
            return jobs.cancel(body.jobId()).join();
        }
        if (method.equals(HttpMethod.GET) && (m = JOB_EVENTS.matcher(path)).matches()) {
            return events(m.group(1), intParam(query, "since", 0), intParam(query, "limit", MAX_EVENTS));
        }
        if (method.equals(HttpMethod.GET) && (m = JOB.matcher(path)).matches()) {
            return jobs.find(m.group(1));
        }
        if (method.equals(HttpMethod.GET) && path.equals("/api/projects")) {
            return new Projects(catalog.projects());
        }
        if (method.equals(HttpMethod.GET) && path.equals("/api/vms")) {
            return new Vms(catalog.vms());
        }
        if (method.equals(HttpMethod.GET) && (m = TARGETS.matcher(path)).matches()) {
            return catalog.targets(null, QueryStringDecoder.decodeComponent(m.group(1)));
        }
        throw new VmoException(ErrorCode.NOT_FOUND, method + " " + path + " is not part of the API; see"
                + " docs/protocol.md (GET /api/jobs, GET /api/jobs/{id}, GET /api/jobs/{id}/events?since=SEQ,"
                + " POST /api/jobs/cancel, GET /api/projects, GET /api/projects/{alias}/targets, GET /api/vms,"
                + " GET /api/session, POST /api/login-links)");
    }

    /** A page of stored events after {@code since}; page on with {@code since} = the last seq received. */
    private Events events(String jobId, long since, int limit) {
        if (limit < 1 || limit > MAX_EVENTS) {
            throw new VmoException(ErrorCode.BAD_REQUEST, "limit must be between 1 and " + MAX_EVENTS);
        }
        JobInfo job = jobs.find(jobId);
        List<Response.JobLog> events = jobs.storedEvents(job.id(), since, limit).stream()
                .map(io.vmo.daemon.job.Chunk::toMessage).toList();
        return new Events(job.id(), events, job.lastSeq());
    }

    private static Integer intParam(QueryStringDecoder query, String name, Integer fallback) {
        List<String> values = query.parameters().get(name);
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(values.getFirst());
        } catch (NumberFormatException e) {
            throw new VmoException(ErrorCode.BAD_REQUEST, "query parameter " + name + "=" + values.getFirst()
                    + " is not a whole number");
        }
    }

    private static HttpResponseStatus status(ErrorCode code) {
        return switch (code) {
            case UNKNOWN_JOB, UNKNOWN_PROJECT, NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case UNAUTHORIZED -> HttpResponseStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpResponseStatus.FORBIDDEN;
            case STORE_UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case INTERNAL, SPAWN_FAILED -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
            default -> HttpResponseStatus.BAD_REQUEST;
        };
    }
}
