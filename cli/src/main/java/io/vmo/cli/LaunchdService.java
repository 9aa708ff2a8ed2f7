package io.vmo.cli;

import io.vmo.protocol.Locations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** vmo's daemon as a launchd agent (macOS): {@code ~/Library/LaunchAgents/io.vmo.vmo.plist}, run by launchctl. */
final class LaunchdService implements ServiceManager {

    private static final String PURPOSE = "vmo service uses launchd (launchctl) on macOS";
    /** bootout returns before the agent has stopped, and a bootstrap until then fails: how long to wait for it. */
    static final Duration BOOTOUT_WAIT = Duration.ofSeconds(20);

    private static final Pattern STATE = Pattern.compile("^\\s*state = (.+)$", Pattern.MULTILINE);

    private final Path agentsDir;
    private final Locations locations;
    private final String domain;

    LaunchdService(Path agentsDir, Locations locations) {
        this.agentsDir = agentsDir;
        this.locations = locations;
        this.domain = "gui/" + new com.sun.security.auth.module.UnixSystem().getUid();
    }

    @Override
    public Path definition() {
        return agentsDir.resolve(LaunchAgentPlist.LABEL + ".plist");
    }

    private String service() {
        return domain + "/" + LaunchAgentPlist.LABEL;
    }

    @Override
    public void install(ServiceSetup setup, boolean now, PrintStream out) {
        try {
            Files.createDirectories(locations.stateDir());
        } catch (IOException e) {
            throw new CliException("cannot create " + locations.stateDir() + ": " + e.getMessage());
        }
        // An agent that is loaded runs the old definition until it is booted out.
        boolean loaded = loaded();
        if (loaded) {
            bootout();
        }
        ServiceManager.writePrivate(definition(), LaunchAgentPlist.render(setup, locations.daemonLog()));
        out.println("wrote " + definition() + " (runs " + String.join(" ", setup.command()) + ")");
        out.println(ServiceManager.environmentHint(setup));
        if (now || loaded) {
            HostCommand.check(
                    PURPOSE, "", "launchctl", "bootstrap", domain, definition().toString());
            out.println((loaded ? "restarted with the new definition" : "loaded and started")
                    + ": launchd starts it at each login and restarts it if it fails");
        } else {
            out.println("launchd starts it at your next login; start it now with `vmo service install --now`");
        }
        out.println(ServiceManager.logHint(locations));
    }

    @Override
    public void uninstall(PrintStream out) {
        if (loaded()) {
            bootout();
        }
        try {
            if (Files.deleteIfExists(definition())) {
                out.println("stopped and removed " + definition());
            } else {
                out.println("not installed: no " + definition());
            }
        } catch (IOException e) {
            throw new CliException("cannot remove " + definition() + ": " + e.getMessage());
        }
        out.println(ServiceManager.dataKept(locations));
    }

    @Override
    public boolean status(PrintStream out) {
        boolean installed = Files.exists(definition());
        out.println("agent:   " + definition() + (installed ? "" : " (not installed: `vmo service install`)"));
        out.println("enabled: " + (installed ? "enabled (loaded at login)" : "disabled"));
        HostCommand print = HostCommand.run(PURPOSE, "launchctl", "print", service());
        String state = "not loaded";
        if (print.succeeded()) {
            Matcher m = STATE.matcher(print.out());
            state = m.find() ? m.group(1).strip() : "loaded";
        }
        out.println("running: " + state);
        out.println(ServiceManager.logHint(locations));
        return state.equals("running");
    }

    private boolean loaded() {
        return HostCommand.run(PURPOSE, "launchctl", "print", service()).succeeded();
    }

    /** Boots the agent out and waits, bounded, until launchd no longer knows it. */
    private void bootout() {
        HostCommand.check(PURPOSE, "", "launchctl", "bootout", service());
        long deadline = System.nanoTime() + BOOTOUT_WAIT.toNanos();
        while (loaded()) {
            if (System.nanoTime() > deadline) {
                throw new CliException(service() + " was still loaded " + BOOTOUT_WAIT.toSeconds() + " s after"
                        + " `launchctl bootout`; see `launchctl print " + service() + "`, then try again");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted while waiting for launchd to stop " + service());
            }
        }
    }
}
