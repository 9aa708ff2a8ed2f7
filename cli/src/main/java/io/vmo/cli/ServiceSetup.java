package io.vmo.cli;

import io.vmo.protocol.Locations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a service definition is made of, read from the shell that runs {@code vmo service install}: this
 * installation's launcher, where vmo keeps its files, and the parts of the login environment the daemon needs but a
 * service manager does not pass on.
 *
 * @param launcher bin/vmo of this installation, absolute
 * @param environment the variables to set in the service, in a stable order
 */
record ServiceSetup(Path launcher, Locations locations, Map<String, String> environment) {

    /**
     * Captured at install time: PATH (where jobs find make and the projects' tools), SSH_AUTH_SOCK (the ssh-agent
     * the daemon's SSH uses), the XDG directories when set (or the daemon would keep its token and data elsewhere
     * than this shell's client looks), the JDK (JAVA_HOME) and the daemon's own VMO_* settings.
     */
    static final List<String> CAPTURED = List.of(
            "PATH",
            "SSH_AUTH_SOCK",
            "XDG_CONFIG_HOME",
            "XDG_STATE_HOME",
            "VMO_LISTEN",
            "VMO_DATABASE_URL",
            "VMO_TLS",
            "VMO_TLS_CERT",
            "VMO_TLS_KEY",
            "JAVA_HOME",
            "VMO_JAVA_HOME",
            "VMO_DAEMON_JAVA_OPTS");

    static ServiceSetup from(Map<String, String> env) {
        String launcher = env.get("VMO_LAUNCHER");
        if (launcher == null || launcher.isEmpty() || !Path.of(launcher).isAbsolute()) {
            throw new CliException("cannot tell where this vmo is installed (VMO_LAUNCHER is not set): run `vmo"
                    + " service install` through vmo's launcher, bin/vmo of the installation the service is to run");
        }
        Path path = Path.of(launcher).normalize();
        if (!Files.isExecutable(path)) {
            throw new CliException("the launcher " + path + " (VMO_LAUNCHER) is not an executable file");
        }
        Map<String, String> captured = new LinkedHashMap<>();
        for (String name : CAPTURED) {
            String value = env.get(name);
            if (value != null && !value.isEmpty()) {
                captured.put(name, value);
            }
        }
        return new ServiceSetup(path, Locations.from(env), captured);
    }

    /** The daemon's command line, as the service manager runs it. */
    List<String> command() {
        return List.of(launcher.toString(), "daemon");
    }
}
