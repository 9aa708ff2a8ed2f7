package io.vmo.daemon.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.Request;
import io.vmo.protocol.Role;
import io.vmo.protocol.VmoException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The authorization table, request type by request type, and how a refusal reads. */
class PermissionsTest {

    private static final String JOB = "3f2a";

    private static Caller as(Role role, ClientKind kind) {
        return new Caller("alice", role, kind, "0.1.0", "127.0.0.1", null, null);
    }

    /** One request of every type, with the least role that may make it as alice. */
    private static Map<Request, Role> table() {
        Map<Request, Role> table = new LinkedHashMap<>();
        table.put(new Request.JoinJob("1", JOB, 0), Role.VIEWER);
        table.put(new Request.LeaveJob("1", JOB), Role.VIEWER);
        table.put(new Request.ListJobs("1", 5, "bob"), Role.VIEWER);
        table.put(new Request.GetJob("1", JOB), Role.VIEWER);
        table.put(new Request.ListEvents("1", JOB, 0, null), Role.VIEWER);
        table.put(new Request.ListProjects("1"), Role.VIEWER);
        table.put(new Request.ListTargets("1", "vm"), Role.VIEWER);
        table.put(new Request.ListVms("1"), Role.VIEWER);
        table.put(new Request.WatchJobs("1"), Role.VIEWER);
        table.put(new Request.Diagnose("1"), Role.VIEWER);
        table.put(new Request.GetStorage("1"), Role.VIEWER);
        table.put(new Request.CreateLoginLink("1", null), Role.VIEWER);
        table.put(new Request.CreateLoginLink("1", "alice"), Role.VIEWER);
        table.put(new Request.ExecuteCommand("1", "vm", "status", List.of()), Role.OPERATOR);
        table.put(Request.ExecuteCommand.remote("1", "web-1", List.of("uptime")), Role.OPERATOR);
        table.put(new Request.CancelJob("1", JOB), Role.OPERATOR);
        table.put(new Request.AttachJob("1", JOB, null, null), Role.OPERATOR);
        table.put(new Request.Stdin("1", JOB, "y\r"), Role.OPERATOR);
        table.put(new Request.Resize("1", JOB, 80, 24), Role.OPERATOR);
        table.put(new Request.CreateLoginLink("1", "bob"), Role.ADMIN);
        table.put(new Request.AddUser("1", "bob", Role.VIEWER), Role.ADMIN);
        table.put(new Request.ListUsers("1"), Role.ADMIN);
        table.put(new Request.RevokeUser("1", "bob"), Role.ADMIN);
        table.put(new Request.Prune("1", true), Role.ADMIN);
        table.put(new Request.ListAudit("1", null, null, null), Role.ADMIN);
        table.put(new Request.VerifyAudit("1"), Role.ADMIN);
        return table;
    }

    @Test
    void everyRequestTypeHasItsRole() {
        var covered = table().keySet().stream().map(Object::getClass).distinct().toList();
        assertThat(covered).containsExactlyInAnyOrder(Request.class.getPermittedSubclasses());
        table().forEach((request, role) -> assertThat(Permissions.needed(request, as(Role.VIEWER, ClientKind.CLI)))
                .as(request.toString())
                .isEqualTo(role));
    }

    @Test
    void eachRoleMayDoWhatItsRoleAndTheOnesBelowMay() {
        for (Role role : Role.values()) {
            table().forEach((request, needed) -> {
                var check = assertThatCode(() -> Permissions.check(request, as(role, ClientKind.CLI)))
                        .as(role + " " + request);
                if (role.includes(needed)) {
                    check.doesNotThrowAnyException();
                } else {
                    check.isInstanceOfSatisfying(
                            VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
                }
            });
        }
    }

    @Test
    void aRefusalNamesTheRoleNeededAndTheCallers() {
        assertThatThrownBy(() -> Permissions.check(
                        new Request.ExecuteCommand("1", "vm", "status", List.of()), as(Role.VIEWER, ClientKind.REST)))
                .isInstanceOf(VmoException.class)
                .hasMessageStartingWith("execute-command needs role operator; you are viewer (user alice)");
        assertThatThrownBy(() ->
                        Permissions.check(new Request.CreateLoginLink("1", "bob"), as(Role.OPERATOR, ClientKind.CLI)))
                .hasMessageStartingWith("a login link for another user (bob) needs role admin; you are operator");
    }

    @Test
    void aBrowserSessionMakesNoLoginLinksWhateverItsRole() {
        assertThatThrownBy(
                        () -> Permissions.check(new Request.CreateLoginLink("1", null), as(Role.ADMIN, ClientKind.WEB)))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN))
                .hasMessageContaining("run `vmo ui`");
    }
}
