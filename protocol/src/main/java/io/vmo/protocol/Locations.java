package io.vmo.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where vmo keeps its files on a user's machine, after the XDG base directory spec: the token in
 * {@code $XDG_CONFIG_HOME/vmo}, the embedded database in {@code $XDG_STATE_HOME/vmo}, and the mkcli registry where
 * mkcli keeps it. Here, not in the daemon, because the CLI reads the same token without loading any of the daemon.
 */
public record Locations(Path home, Path configDir, Path stateDir, Path registry) {

    public static Locations from(Map<String, String> env) {
        Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
        Path config = xdg(env, "XDG_CONFIG_HOME", home.resolve(".config"));
        Path state = xdg(env, "XDG_STATE_HOME", home.resolve(".local/state"));
        return new Locations(home, config.resolve("vmo"), state.resolve("vmo"), config.resolve("mkcli/registry"));
    }

    public static Locations fromEnvironment() {
        return from(System.getenv());
    }

    public Path tokenFile() {
        return configDir.resolve("token");
    }

    /** The token in {@link #tokenFile()}, as a client sends it. */
    public static String readToken(Path file) throws IOException {
        return Files.readString(file).strip();
    }

    /** The daemon's log when it runs without a terminal (as a service), rotated beside it as daemon.log.1… */
    public Path daemonLog() {
        return stateDir.resolve("daemon.log");
    }

    /** vmo's own settings (read by the daemon). */
    public Path settingsFile() {
        return configDir.resolve("config.yml");
    }

    /**
     * The daemon's self-signed TLS certificate ({@code vmo daemon --tls self-signed}), made once; its key is
     * {@link #selfSignedKey()}.
     */
    public Path selfSignedCertificate() {
        return configDir.resolve("tls/self-signed.crt");
    }

    public Path selfSignedKey() {
        return configDir.resolve("tls/self-signed.key");
    }

    /**
     * The CLI's pins of self-signed daemon certificates, like OpenSSH's known_hosts: lines of
     * {@code host:port SHA256:<base64>}.
     */
    public Path knownDaemons() {
        return configDir.resolve("known_daemons");
    }

    /** The spec says to ignore a relative value. */
    private static Path xdg(Map<String, String> env, String name, Path fallback) {
        String value = env.get(name);
        return value != null && Path.of(value).isAbsolute() ? Path.of(value) : fallback;
    }
}
