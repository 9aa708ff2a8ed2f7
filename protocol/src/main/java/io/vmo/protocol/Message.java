package io.vmo.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One WebSocket text frame: {@code {"v":1,"type":"…", …}}. The whole vocabulary is {@link Request} (client to
 * daemon) and {@link Response} (daemon to client, replies and pushed events alike); this list maps each record
 * to its wire {@code type}. The one other encoding is {@link LogFrame}: {@code job:log} as a binary frame, for
 * clients that ask for it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Request.ExecuteCommand.class, name = "execute-command"),
    @JsonSubTypes.Type(value = Request.JoinJob.class, name = "join-job"),
    @JsonSubTypes.Type(value = Request.AttachJob.class, name = "attach-job"),
    @JsonSubTypes.Type(value = Request.Stdin.class, name = "stdin"),
    @JsonSubTypes.Type(value = Request.Resize.class, name = "resize"),
    @JsonSubTypes.Type(value = Request.LeaveJob.class, name = "leave-job"),
    @JsonSubTypes.Type(value = Request.CancelJob.class, name = "cancel-job"),
    @JsonSubTypes.Type(value = Request.ListJobs.class, name = "list-jobs"),
    @JsonSubTypes.Type(value = Request.GetJob.class, name = "get-job"),
    @JsonSubTypes.Type(value = Request.ListEvents.class, name = "list-events"),
    @JsonSubTypes.Type(value = Request.ListProjects.class, name = "list-projects"),
    @JsonSubTypes.Type(value = Request.ListTargets.class, name = "list-targets"),
    @JsonSubTypes.Type(value = Request.ListVms.class, name = "list-vms"),
    @JsonSubTypes.Type(value = Request.WatchJobs.class, name = "watch-jobs"),
    @JsonSubTypes.Type(value = Response.JobStarted.class, name = "job:started"),
    @JsonSubTypes.Type(value = Response.JobJoined.class, name = "job:joined"),
    @JsonSubTypes.Type(value = Response.JobLog.class, name = "job:log"),
    @JsonSubTypes.Type(value = Response.JobDone.class, name = "job:done"),
    @JsonSubTypes.Type(value = Response.JobList.class, name = "job:list"),
    @JsonSubTypes.Type(value = Response.JobFound.class, name = "job:info"),
    @JsonSubTypes.Type(value = Response.EventPage.class, name = "job:events"),
    @JsonSubTypes.Type(value = Response.ProjectList.class, name = "project:list"),
    @JsonSubTypes.Type(value = Response.TargetList.class, name = "target:list"),
    @JsonSubTypes.Type(value = Response.VmList.class, name = "vm:list"),
    @JsonSubTypes.Type(value = Response.JobUpdate.class, name = "job:update"),
    @JsonSubTypes.Type(value = Response.Ack.class, name = "ack"),
    @JsonSubTypes.Type(value = Response.ErrorReply.class, name = "error"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Message permits Request, Response {

    /** Protocol version written on every message; a peer speaking another version gets {@code unsupported-version}. */
    int VERSION = 1;

    @JsonProperty(value = "v", index = 0)
    default int v() {
        return VERSION;
    }
}
