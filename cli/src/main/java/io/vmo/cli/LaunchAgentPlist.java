package io.vmo.cli;

import java.nio.file.Path;
import java.util.Map;

/** The launchd agent {@code io.vmo.vmo} (macOS) that runs a {@link ServiceSetup}'s daemon. */
final class LaunchAgentPlist {

    static final String LABEL = "io.vmo.vmo";

    private LaunchAgentPlist() {}

    /** {@code log}: where launchd sends the daemon's stdout and stderr (what it prints before its log is open). */
    static String render(ServiceSetup setup, Path log) {
        StringBuilder plist = new StringBuilder();
        plist.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\"")
                .append(" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n")
                .append("<!-- Written by `vmo service install`: run it again to update it, `vmo service uninstall` to")
                .append(" remove it. -->\n")
                .append("<plist version=\"1.0\">\n<dict>\n");
        key(plist, "Label").append("  ").append(string(LABEL)).append('\n');
        key(plist, "ProgramArguments").append("  <array>\n");
        for (String word : setup.command()) {
            plist.append("    ").append(string(word)).append('\n');
        }
        plist.append("  </array>\n");
        key(plist, "RunAtLoad").append("  <true/>\n");
        // Restarted when it fails, not after a clean stop.
        key(plist, "KeepAlive").append("  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n");
        key(plist, "EnvironmentVariables").append("  <dict>\n");
        for (Map.Entry<String, String> variable : setup.environment().entrySet()) {
            plist.append("    <key>").append(xml(variable.getKey())).append("</key>\n");
            plist.append("    ").append(string(variable.getValue())).append('\n');
        }
        plist.append("  </dict>\n");
        key(plist, "StandardOutPath")
                .append("  ")
                .append(string(log.toString()))
                .append('\n');
        key(plist, "StandardErrorPath")
                .append("  ")
                .append(string(log.toString()))
                .append('\n');
        return plist.append("</dict>\n</plist>\n").toString();
    }

    private static StringBuilder key(StringBuilder plist, String key) {
        return plist.append("  <key>").append(key).append("</key>\n");
    }

    private static String string(String value) {
        return "<string>" + xml(value) + "</string>";
    }

    private static String xml(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
