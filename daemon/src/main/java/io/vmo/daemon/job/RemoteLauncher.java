package io.vmo.daemon.job;

import io.vmo.protocol.VmInfo;
import java.util.List;

/** Starts a command on a VM (the ssh package's {@code SshExecutor}); a {@code VmoException} says why it could not. */
@FunctionalInterface
public interface RemoteLauncher {
    JobProcess start(VmInfo vm, List<String> argv);
}
