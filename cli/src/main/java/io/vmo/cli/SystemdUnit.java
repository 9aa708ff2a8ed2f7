package io.vmo.cli;

import java.util.Map;
import java.util.stream.Collectors;

/** The systemd user unit {@code vmo.service} that runs a {@link ServiceSetup}'s daemon. */
final class SystemdUnit {

    static final String NAME = "vmo.service";

    private SystemdUnit() {}

    static String render(ServiceSetup setup) {
        StringBuilder unit = new StringBuilder();
        unit.append("# Written by `vmo service install`: run it again to update it (say, after PATH or SSH_AUTH_SOCK\n")
                .append("# changed), `vmo service uninstall` to remove it.\n")
                .append("[Unit]\n")
                .append("Description=vmo daemon\n")
                .append("\n[Service]\n")
                // The daemon sends READY=1 once its port accepts connections (ServiceNotifier), so "active" means
                // clients can connect.
                .append("Type=notify\n")
                .append("ExecStart=")
                .append(setup.command().stream().map(SystemdUnit::execArgument).collect(Collectors.joining(" ")))
                .append('\n');
        for (Map.Entry<String, String> variable : setup.environment().entrySet()) {
            unit.append("Environment=").append(quoted(variable.getKey() + "=" + variable.getValue()));
            unit.append('\n');
        }
        unit.append("Restart=on-failure\n")
                .append("RestartSec=5\n")
                // The JVM ends with 143 after the SIGTERM of `systemctl stop`: a clean stop, not a failure.
                .append("SuccessExitStatus=143\n")
                // SIGTERM to the daemon alone: it stops its jobs (SIGTERM, then SIGKILL after the grace) and its
                // PostgreSQL itself; systemd's SIGKILL comes only for what is left after TimeoutStopSec.
                .append("KillMode=mixed\n")
                // The first start of the embedded PostgreSQL unpacks and initializes a cluster.
                .append("TimeoutStartSec=300\n")
                .append("\n[Install]\n")
                .append("WantedBy=default.target\n");
        return unit.toString();
    }

    /** An ExecStart word: as it is when it needs no quoting, else double-quoted; $ and % escaped either way. */
    static String execArgument(String word) {
        boolean plain =
                !word.isEmpty() && word.chars().noneMatch(c -> Character.isWhitespace(c) || "\"'\\;".indexOf(c) >= 0);
        String escaped = word.replace("$", "$$");
        return plain ? escaped.replace("%", "%%") : quoted(escaped);
    }

    /** A double-quoted value: backslashes and quotes escaped, % doubled (systemd's specifiers). */
    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%") + "\"";
    }
}
