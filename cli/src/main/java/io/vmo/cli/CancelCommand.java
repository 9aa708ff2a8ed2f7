package io.vmo.cli;

import io.vmo.protocol.JobStatus;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "cancel",
        mixinStandardHelpOptions = true,
        description = "Cancel a running job (SIGTERM to all its processes, SIGKILL after a grace period) and wait"
                + " until it has ended.")
final class CancelCommand implements Callable<Integer> {

    @Mixin
    DaemonOptions daemon;

    @Parameters(index = "0", paramLabel = CompleteCommand.JOB, description = "Job id, or a unique prefix of one.")
    String job;

    @Override
    public Integer call() {
        Console console = new Console();
        try (DaemonClient client = daemon.connect()) {
            Response.JobDone done = client.call(new Request.CancelJob(client.nextId(), job), Response.JobDone.class);
            if (done.status() == JobStatus.CANCELED) {
                console.out.println("job " + done.jobId() + " canceled");
            } else {
                console.out.println("job " + done.jobId() + " had already ended: "
                        + done.status().wireName());
            }
            console.flush();
            return 0;
        }
    }
}
