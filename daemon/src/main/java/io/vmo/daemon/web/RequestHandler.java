package io.vmo.daemon.web;

import io.vmo.daemon.catalog.Catalog;
import io.vmo.daemon.job.JobManager;
import io.vmo.daemon.job.Subscriber;
import io.vmo.daemon.job.TerminalSize;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the daemon does for each request type; every failure becomes an {@code error} reply with the request's id. */
final class RequestHandler {

    private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);

    private final JobManager jobs;
    private final Catalog catalog;

    RequestHandler(JobManager jobs, Catalog catalog) {
        this.jobs = jobs;
        this.catalog = catalog;
    }

    /** May block (database, replay): called on a virtual thread. */
    void handle(Request request, Subscriber client) {
        try {
            switch (request) {
                case Request.ExecuteCommand r -> client.send(new Response.JobStarted(r.id(), jobs.execute(r)));
                case Request.JoinJob r -> jobs.join(r.jobId(), r.sinceSeq(), client,
                        job -> client.send(new Response.JobJoined(r.id(), job)));
                case Request.AttachJob r -> jobs.attach(r.jobId(),
                        r.cols() == null ? null : new TerminalSize(r.cols(), r.rows()), client,
                        job -> client.send(new Response.JobJoined(r.id(), job)));
                // No reply on success: a reply per keystroke would double the traffic of typing.
                case Request.Stdin r -> jobs.input(r.jobId(), r.data());
                case Request.Resize r -> jobs.resize(r.jobId(), new TerminalSize(r.cols(), r.rows()));
                case Request.LeaveJob r -> {
                    jobs.leave(r.jobId(), client);
                    client.send(new Response.Ack(r.id()));
                }
                case Request.CancelJob r -> jobs.cancel(r.jobId()).thenAccept(done -> client.send(
                        new Response.JobDone(r.id(), done.jobId(), done.status(), done.exitCode(), done.finishedAt())));
                case Request.ListJobs r -> client.send(new Response.JobList(r.id(), jobs.recent(r.limit())));
                case Request.ListProjects r -> client.send(new Response.ProjectList(r.id(), catalog.projects()));
                case Request.ListTargets r -> client.send(catalog.targets(r.id(), r.project()));
                case Request.ListVms r -> client.send(new Response.VmList(r.id(), catalog.vms()));
                case Request.WatchJobs r -> {
                    jobs.watch(client);
                    client.send(new Response.Ack(r.id()));
                }
            }
        } catch (VmoException e) {
            client.send(new Response.ErrorReply(request.id(), e.code(), e.getMessage()));
        } catch (RuntimeException e) {
            log.error("{} failed", request, e);
            client.send(new Response.ErrorReply(request.id(), ErrorCode.INTERNAL,
                    "internal error: " + e + "; see the daemon's log"));
        }
    }
}
