package io.vmo.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The version and the commit this build was made from, which the build writes into {@code version.properties} beside
 * this class (protocol/pom.xml): what {@code vmo -V} and {@code vmo daemon -V} print. Read only when asked.
 */
public record BuildInfo(String version, String commit) {

    /** This build's; {@code unknown} for what the file does not say (or when it cannot be read). */
    public static BuildInfo read() {
        String version = "unknown";
        String commit = "unknown";
        try (InputStream in = BuildInfo.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (line.startsWith("version=")) {
                        version = line.substring("version=".length()).strip();
                    } else if (line.startsWith("commit=")) {
                        commit = line.substring("commit=".length()).strip();
                    }
                }
            }
        } catch (IOException e) {
            // a jar that cannot be read: the version is unknown, which is what -V and vmo doctor then say
        }
        return new BuildInfo(version, commit);
    }

    /** {@code 0.1.0 (commit 1a2b3c4)}. */
    public String describe() {
        return version + " (commit " + commit + ")";
    }
}
