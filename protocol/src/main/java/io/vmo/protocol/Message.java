package io.vmo.protocol;

import java.util.List;
import java.util.Map;

/**
 * One WebSocket text frame: {@code {"type":"…","v":1, …}}. The whole vocabulary is {@link Request} (client to
 * daemon) and {@link Response} (daemon to client, replies and pushed events alike); {@link #TYPES} maps each record
 * to its wire {@code type}. The one other encoding is {@link LogFrame}: {@code job:log} as a binary frame, for
 * clients that ask for it.
 */
public sealed interface Message permits Request, Response {

    /** Protocol version written on every message; a peer speaking another version gets {@code unsupported-version}. */
    int VERSION = 1;

    /**
     * Every message record with its wire {@code type}: the one list {@link Codec} writes and reads them by. Requests
     * come first, in the order an unknown type's error lists them (what a client may send).
     */
    List<Map.Entry<String, Class<? extends Message>>> TYPES = List.of(
            Map.entry("execute-command", Request.ExecuteCommand.class),
            Map.entry("join-job", Request.JoinJob.class),
            Map.entry("attach-job", Request.AttachJob.class),
            Map.entry("stdin", Request.Stdin.class),
            Map.entry("resize", Request.Resize.class),
            Map.entry("leave-job", Request.LeaveJob.class),
            Map.entry("cancel-job", Request.CancelJob.class),
            Map.entry("list-jobs", Request.ListJobs.class),
            Map.entry("get-job", Request.GetJob.class),
            Map.entry("list-events", Request.ListEvents.class),
            Map.entry("list-projects", Request.ListProjects.class),
            Map.entry("list-targets", Request.ListTargets.class),
            Map.entry("list-vms", Request.ListVms.class),
            Map.entry("watch-jobs", Request.WatchJobs.class),
            Map.entry("diagnose", Request.Diagnose.class),
            Map.entry("add-user", Request.AddUser.class),
            Map.entry("list-users", Request.ListUsers.class),
            Map.entry("revoke-user", Request.RevokeUser.class),
            Map.entry("create-login-link", Request.CreateLoginLink.class),
            Map.entry("prune", Request.Prune.class),
            Map.entry("get-storage", Request.GetStorage.class),
            Map.entry("list-audit", Request.ListAudit.class),
            Map.entry("verify-audit", Request.VerifyAudit.class),
            Map.entry("job:started", Response.JobStarted.class),
            Map.entry("job:joined", Response.JobJoined.class),
            Map.entry("job:log", Response.JobLog.class),
            Map.entry("job:done", Response.JobDone.class),
            Map.entry("job:list", Response.JobList.class),
            Map.entry("job:info", Response.JobFound.class),
            Map.entry("job:events", Response.EventPage.class),
            Map.entry("project:list", Response.ProjectList.class),
            Map.entry("target:list", Response.TargetList.class),
            Map.entry("vm:list", Response.VmList.class),
            Map.entry("job:update", Response.JobUpdate.class),
            Map.entry("ack", Response.Ack.class),
            Map.entry("diagnosis", Response.Diagnosis.class),
            Map.entry("user:added", Response.UserAdded.class),
            Map.entry("user:list", Response.UserList.class),
            Map.entry("user:revoked", Response.UserRevoked.class),
            Map.entry("login-link", Response.LoginLink.class),
            Map.entry("prune:report", Response.PruneReport.class),
            Map.entry("storage", Response.Storage.class),
            Map.entry("audit:list", Response.AuditList.class),
            Map.entry("audit:verified", Response.AuditVerified.class),
            Map.entry("error", Response.ErrorReply.class));

    default int v() {
        return VERSION;
    }
}
