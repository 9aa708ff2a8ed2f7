package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutesTest {

    @Test
    void aRouteMatchesItsMethodAndPathAndDecodesEachSegmentAfterSplitting() {
        var events =
                Routes.find(HttpMethod.GET, "/api/jobs/3f2a/events?since=4").orElseThrow();
        assertThat(events.route().action())
                .isInstanceOfSatisfying(
                        Routes.Call.class, call -> assertThat(call.type()).isEqualTo("list-events"));
        assertThat(events.params()).isEqualTo(Map.of("jobId", "3f2a"));
        // %2F is part of one segment, not a separator: no route sees a path the client did not send
        assertThat(Routes.find(HttpMethod.GET, "/api/projects/a%2Fb/targets")
                        .orElseThrow()
                        .params())
                .isEqualTo(Map.of("project", "a/b"));
        assertThat(Routes.find(HttpMethod.GET, "/api/jobs/a%2Fevents"))
                .hasValueSatisfying(m -> assertThat(m.params()).isEqualTo(Map.of("jobId", "a/events")));
        assertThat(Routes.find(HttpMethod.POST, "/api/jobs/cancel")).isPresent();
        assertThat(Routes.find(HttpMethod.DELETE, "/api/jobs")).isEmpty();
        assertThat(Routes.find(HttpMethod.GET, "/api/jobs/")).isEmpty();
        assertThat(Routes.find(HttpMethod.GET, "/api/nothing")).isEmpty();
    }

    @Test
    void theTableSaysWhoMayCallWhat() {
        assertThat(Routes.find(HttpMethod.GET, "/healthz").orElseThrow().route().access())
                .isEqualTo(Routes.Access.PUBLIC);
        assertThat(Routes.find(HttpMethod.POST, "/api/login-links")
                        .orElseThrow()
                        .route()
                        .access())
                .isEqualTo(Routes.Access.TOKEN_ONLY);
        assertThat(Routes.ALL)
                .filteredOn(r -> r.path().startsWith("/api/") && !r.path().equals("/api/login-links"))
                .as("the audit routes too: who may read the trail is Permissions' to say (admin), as on the socket")
                .allSatisfy(r -> assertThat(r.access()).isEqualTo(Routes.Access.SIGNED_IN));
        assertThat(Routes.list()).contains("GET /api/jobs/{jobId}/events").doesNotContain("/ws");
    }
}
