package io.vmo.cli;

import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmInfo;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

final class VmsCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this, "vms", "List the VMs of the vm-config environments and the Host aliases of your ssh config.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final JsonOption json = new JsonOption(spec);

    VmsCommand() {
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        Console console = new Console();
        List<VmInfo> vms;
        try (DaemonClient client = daemon.connect()) {
            vms = client.call(new Request.ListVms(client.nextId()), Response.VmList.class)
                    .vms();
        }
        if (json.enabled()) {
            json.print(console, vms);
            return 0;
        }
        Table table = new Table("VM", "ENVIRONMENT", "HOST", "USER", "SOURCE", "PROBLEM");
        for (VmInfo vm : vms) {
            table.row(
                    List.of(t -> t, t -> t, t -> t, t -> t, t -> t, t -> console.styleOut(Console.Style.RED, t)),
                    vm.name(),
                    vm.environment(),
                    vm.host() != null ? vm.host() : vm.sshHost(),
                    vm.user(),
                    vm.source(),
                    vm.problem());
        }
        table.print(console);
        return 0;
    }
}
