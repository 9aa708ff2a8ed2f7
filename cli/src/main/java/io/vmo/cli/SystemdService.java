package io.vmo.cli;

import io.vmo.protocol.Locations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** vmo's daemon as a systemd user service: {@code ~/.config/systemd/user/vmo.service}, run by systemctl --user. */
final class SystemdService implements ServiceManager {

    private static final String PURPOSE = "vmo service uses systemd's user manager (systemctl --user)";
    private static final String NO_MANAGER = "is systemd's user manager running for you? (`systemctl --user status`;"
            + " in an ssh session without a login session XDG_RUNTIME_DIR must be set)";

    private final Path unitDir;
    private final Locations locations;

    SystemdService(Path unitDir, Locations locations) {
        this.unitDir = unitDir;
        this.locations = locations;
    }

    @Override
    public Path definition() {
        return unitDir.resolve(SystemdUnit.NAME);
    }

    @Override
    public void install(ServiceSetup setup, boolean now, PrintStream out) {
        boolean existed = Files.exists(definition());
        ServiceManager.writePrivate(definition(), SystemdUnit.render(setup));
        out.println("wrote " + definition() + " (runs " + String.join(" ", setup.command()) + ")");
        out.println(ServiceManager.environmentHint(setup));
        systemctl("daemon-reload");
        if (now) {
            systemctl("enable", "--now", SystemdUnit.NAME);
            out.println("enabled and started: the daemon starts with your user session");
        } else {
            systemctl("enable", SystemdUnit.NAME);
            out.println("enabled: the daemon starts with your user session; start it now with `systemctl --user"
                    + " start vmo` (or install with --now)");
        }
        if (existed) {
            // enable --now leaves a running daemon as it is; a restart would end its running jobs.
            out.println("a daemon already running keeps its old settings until `systemctl --user restart vmo`"
                    + " (which stops the jobs it runs)");
        }
        if (!lingering()) {
            out.println("to keep it running after you log out: loginctl enable-linger " + user());
        }
        out.println(ServiceManager.logHint(locations) + "; journald has it too: journalctl --user -u vmo");
    }

    @Override
    public void uninstall(PrintStream out) {
        if (Files.exists(definition())) {
            systemctl("disable", "--now", SystemdUnit.NAME);
            try {
                Files.delete(definition());
            } catch (IOException e) {
                throw new CliException("cannot remove " + definition() + ": " + e.getMessage());
            }
            systemctl("daemon-reload");
            out.println("stopped, disabled and removed " + definition());
        } else {
            out.println("not installed: no " + definition());
        }
        out.println(ServiceManager.dataKept(locations));
    }

    @Override
    public boolean status(PrintStream out) {
        boolean installed = Files.exists(definition());
        out.println("unit:    " + definition() + (installed ? "" : " (not installed: `vmo service install`)"));
        String enabled = query("is-enabled");
        String active = query("is-active");
        out.println("enabled: " + enabled);
        out.println("running: " + active);
        out.println("after logout: "
                + (lingering()
                        ? "keeps running (linger on)"
                        : "stops (`loginctl enable-linger " + user() + "` keeps it running)"));
        out.println(ServiceManager.logHint(locations) + "; journalctl --user -u vmo");
        return active.equals("active");
    }

    /** is-enabled or is-active: the state it prints (it exits non-zero for any but enabled/active). */
    private String query(String what) {
        HostCommand command = HostCommand.run(PURPOSE, "systemctl", "--user", what, SystemdUnit.NAME);
        String state = command.out().strip();
        if (state.isEmpty()) {
            throw command.failure(NO_MANAGER);
        }
        return state;
    }

    private void systemctl(String... args) {
        String[] argv = new String[args.length + 2];
        argv[0] = "systemctl";
        argv[1] = "--user";
        System.arraycopy(args, 0, argv, 2, args.length);
        HostCommand.check(PURPOSE, NO_MANAGER, argv);
    }

    /** Whether the user's manager outlives their sessions; false when loginctl cannot say. */
    private static boolean lingering() {
        try {
            HostCommand command = HostCommand.run(
                    "loginctl tells whether the service outlives a logout",
                    "loginctl",
                    "show-user",
                    user(),
                    "--property=Linger");
            return command.succeeded() && command.out().strip().equals("Linger=yes");
        } catch (CliException e) {
            return false;
        }
    }

    private static String user() {
        return System.getProperty("user.name");
    }
}
