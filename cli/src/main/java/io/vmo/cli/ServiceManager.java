package io.vmo.cli;

import io.vmo.protocol.Locations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;

/** The service manager that keeps the daemon running for its user: systemd's user manager, or launchd on macOS. */
interface ServiceManager {

    /** Writes the service's definition and registers it; {@code now} starts it too. */
    void install(ServiceSetup setup, boolean now, PrintStream out);

    /** Stops the service and removes its definition. */
    void uninstall(PrintStream out);

    /** Prints what the manager says of the service; true when it is running. */
    boolean status(PrintStream out);

    /** The service's definition file. */
    Path definition();

    /**
     * The manager of this platform: {@code os.name}, unless VMO_SERVICE_PLATFORM (systemd or launchd) says which,
     * as tests of the other platform's do.
     */
    static ServiceManager of(Map<String, String> env) {
        String platform = env.getOrDefault("VMO_SERVICE_PLATFORM", "");
        if (platform.isEmpty()) {
            String os = System.getProperty("os.name", "");
            platform = os.startsWith("Mac") ? "launchd" : os.startsWith("Linux") ? "systemd" : os;
        }
        Locations locations = Locations.from(env);
        Path home = locations.home();
        return switch (platform.toLowerCase(Locale.ROOT)) {
            case "systemd" -> new SystemdService(systemdUserDir(locations), locations);
            case "launchd" -> new LaunchdService(home.resolve("Library/LaunchAgents"), locations);
            default ->
                throw new CliException("vmo service knows systemd (Linux) and launchd (macOS), not " + platform
                        + ": run `vmo daemon` under this system's own service manager");
        };
    }

    /** Where systemd looks for a user's own units: $XDG_CONFIG_HOME/systemd/user, beside vmo's own config. */
    private static Path systemdUserDir(Locations locations) {
        return locations.configDir().resolveSibling("systemd/user");
    }

    /** Writes {@code text} to {@code file}, readable by its user alone: a database URL in it may hold a password. */
    static void writePrivate(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(temporary, text);
            Files.move(
                    temporary,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Where the data stays after an uninstall. */
    static String dataKept(Locations locations) {
        return "the daemon's data stays in " + locations.stateDir() + " (database, log) and " + locations.configDir()
                + " (token, config.yml); delete them yourself if you no longer want them";
    }

    /** Which variables were captured, which of those the daemon needs were not set, and how to update them. */
    static String environmentHint(ServiceSetup setup) {
        var missing = java.util.stream.Stream.of("PATH", "SSH_AUTH_SOCK")
                .filter(name -> !setup.environment().containsKey(name))
                .toList();
        return "environment captured from this shell: "
                + String.join(", ", setup.environment().keySet())
                + (missing.isEmpty() ? "" : " (not set here: " + String.join(", ", missing) + ")")
                + "; when it changes (a new PATH, another ssh-agent), run `vmo service install` again";
    }

    static String logHint(Locations locations) {
        return "log: " + locations.daemonLog() + " (`vmo service logs -f`)";
    }
}
