package io.vmo.daemon.job;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmInfo;
import io.vmo.protocol.VmoException;
import java.util.List;

/** Starts a command on a VM (the ssh package's {@code SshExecutor}); a {@code VmoException} says why it could not. */
@FunctionalInterface
public interface RemoteLauncher {
    JobProcess start(VmInfo vm, List<String> argv);

    /** The command, or a login shell when {@code argv} is empty, in a pseudo-terminal on the VM. */
    default TerminalProcess startTerminal(VmInfo vm, List<String> argv, TerminalSize size) {
        throw new VmoException(ErrorCode.NOT_INTERACTIVE, "this daemon cannot run interactive commands on VMs");
    }
}
