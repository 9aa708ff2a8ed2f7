package io.vmo.cli;

import io.vmo.protocol.JobStatus;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class CancelCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this,
            "cancel",
            "Cancel a running job (SIGTERM to all its processes, SIGKILL after a grace period) and wait until it has"
                    + " ended.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final PositionalParamSpec job = Specs.add(spec, Specs.job());

    CancelCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        String job = this.job.getValue();
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
