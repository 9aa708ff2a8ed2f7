package io.vmo.cli;

import io.vmo.protocol.JobInfo;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import sun.misc.Signal;

/**
 * Prints a job's output as it streams (stdout to stdout, stderr and vmo's notes to stderr) until it ends; shared by
 * {@code run}, {@code ssh}, {@code logs} and {@code tail}. Ctrl-C cancels the job, a second Ctrl-C stops waiting for
 * it. If the connection drops (the daemon restarted, or dropped this client), it reconnects with back-off
 * ({@link Reconnection}) and resumes after the last seq it printed, so nothing is lost or printed twice; a job the
 * restart lost ends it with that status.
 */
final class JobFollower {

    /** The exit code for a canceled job: what a shell reports for Ctrl-C. */
    static final int EXIT_CANCELED = 130;

    /** Drops in a row with nothing printed between them after which it gives up: the daemon keeps failing it. */
    private static final int MAX_RESUMES = 5;

    private final DaemonOptions daemon;
    private final Console console;
    /** The current connection: replaced when it drops. */
    private volatile DaemonClient client;
    /** The seq of the last event printed: where to resume. */
    private volatile long printed;

    JobFollower(DaemonOptions daemon, Console console) {
        this.daemon = daemon;
        this.console = console;
    }

    /**
     * Starts the job; detached, prints its id, else follows it to the end — attached to this terminal if the job
     * is interactive (asked for, or marked so in config.yml). Returns the exit code vmo ends with.
     */
    int start(Function<String, Request.ExecuteCommand> request, boolean detach) {
        client = daemon.connect();
        try {
            Request.ExecuteCommand execute = request.apply(client.nextId());
            if (execute.wantsTerminal() && !detach) {
                if (!TerminalSession.available()) {
                    throw new CliException("-i needs a terminal (stdin and stdout); start it with -d and attach"
                            + " from a terminal with `vmo attach JOB`");
                }
                var size = TerminalSession.currentSize(); // the program's first look at its size is right
                if (size != null) {
                    execute = execute.interactive(size.getColumns(), size.getRows());
                }
            }
            JobInfo job = client.call(execute, Response.JobStarted.class).job();
            if (detach) {
                console.out.println(job.id());
                console.flush();
                return 0;
            }
            if (job.interactive()) {
                if (TerminalSession.available()) {
                    return TerminalSession.attachAcrossRestarts(client, daemon, console, job.id());
                }
                console.note("job " + job.id() + " is interactive and this is no terminal: its output follows;"
                        + " to answer it, `vmo attach " + job.id().substring(0, 8) + "` from a terminal");
            }
            return follow(job.id(), 0);
        } finally {
            client.close();
        }
    }

    /** Follows an existing job from {@code sinceSeq}; returns the exit code vmo ends with. */
    int tail(String jobId, long sinceSeq) {
        client = daemon.connect();
        try {
            return follow(jobId, sinceSeq);
        } finally {
            client.close();
        }
    }

    private int follow(String jobId, long sinceSeq) {
        AtomicInteger interrupts = new AtomicInteger();
        Signal.handle(new Signal("INT"), signal -> {
            if (interrupts.incrementAndGet() == 1) {
                console.note("canceling job " + jobId + " (Ctrl-C again to stop waiting; the job is still canceled)");
                try {
                    client.send(new Request.CancelJob(client.nextId(), jobId));
                } catch (CliException e) {
                    console.note("cannot cancel while the daemon is away (" + e.getMessage() + "): `vmo cancel " + jobId
                            + "` once it is back");
                }
            } else {
                console.flush();
                Runtime.getRuntime().halt(EXIT_CANCELED);
            }
        });
        printed = sinceSeq;
        Reconnection reconnection = new Reconnection(daemon::connect, console);
        for (int resumes = 0; ; ) {
            long before = printed;
            try {
                return printUntilDone(jobId);
            } catch (DaemonClient.ConnectionLost e) {
                resumes = printed == before ? resumes + 1 : 1;
                if (resumes > MAX_RESUMES) {
                    throw e;
                }
                console.flush();
                client.close();
                client = reconnection.after(e, "`vmo tail " + jobId + " --since " + printed + "`");
                console.note("resuming after seq " + printed);
            }
        }
    }

    /** Joins after the last printed seq and prints until {@code job:done}. */
    private int printUntilDone(String jobId) {
        client.send(new Request.JoinJob(client.nextId(), jobId, printed));
        while (true) {
            Response response = client.next();
            // Not a pattern switch: its bootstrap writes a class on first use (see DaemonClient.read).
            if (response instanceof Response.JobLog log) {
                print(log);
                printed = log.seq();
            } else if (response instanceof Response.JobDone done) {
                console.flush();
                return exitCode(done, console);
            } else if (response instanceof Response.ErrorReply error) {
                throw new CliException(DaemonClient.message(error));
            }
            if (!client.hasNext()) {
                console.flush(); // caught up: show it now; while behind, let the buffers fill
            }
        }
    }

    private void print(Response.JobLog log) {
        switch (log.stream()) {
            case STDOUT, PTY -> console.out.write(log.data(), 0, log.data().length);
            case INPUT -> {} // someone typed into an interactive job
            case STDERR -> console.writeErr(Console.Style.RED, log.data());
            case SYSTEM -> console.writeErr(Console.Style.DIM, log.data());
        }
    }

    /** The exit code vmo ends with for a job that ended so, with a note on stderr unless it succeeded. */
    static int exitCode(Response.JobDone done, Console console) {
        if (done.status() == JobStatus.SUCCESS) {
            return 0;
        }
        String code = done.exitCode() == null ? "" : " (exit code " + done.exitCode() + ")";
        console.note("job " + done.jobId() + " " + done.status().wireName() + code);
        return switch (done.status()) {
            case CANCELED -> EXIT_CANCELED;
            case FAILED -> done.exitCode() != null && done.exitCode() != 0 ? done.exitCode() : 1;
            default -> 1;
        };
    }
}
