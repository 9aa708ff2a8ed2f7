package io.vmo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class AttachCommand implements Callable<Integer> {

    final CommandSpec spec = Specs.command(
            this,
            "attach",
            "Attach this terminal to an interactive job: redraw its recent output, then type into it like a local"
                    + " program. " + TerminalSession.DETACH_HINT + " (the job keeps running). Exits with the job's"
                    + " exit code once it ends.");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final PositionalParamSpec job = Specs.add(spec, Specs.job());

    private final OptionSpec newWindow = Specs.add(
            spec,
            Specs.flag("--new-window")
                    .description("Open a new terminal window attached to the job and return: $VMO_TERMINAL (a"
                            + " command; the attach command is appended), else the platform's terminal."));

    AttachCommand() {
        spec.usageMessage().footer("Example: vmo attach 3f2a9c1e", "         vmo attach --new-window 3f2a9c1e");
        Specs.standardHelpOptions(spec);
    }

    @Override
    public Integer call() {
        String job = this.job.getValue();
        boolean newWindow = this.newWindow.getValue();
        Console console = new Console();
        if (newWindow) {
            return openWindow(console, job);
        }
        try (DaemonClient client = daemon.connect()) {
            return TerminalSession.attachAcrossRestarts(client, daemon, console, job);
        }
    }

    /** Leaves this terminal alone: the new window runs {@code vmo attach JOB} by itself. */
    private int openWindow(Console console, String job) {
        List<String> command = new ArrayList<>(terminalCommand());
        command.addAll(List.of(self(), "attach", "--daemon", daemon.address()));
        if (daemon.ca() != null) {
            command.addAll(List.of("--ca", daemon.ca().toString()));
        }
        command.add(job);
        try {
            new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new CliException("cannot open a terminal window with " + command.getFirst() + ": " + e.getMessage()
                    + "; set VMO_TERMINAL to your terminal's command that runs a program, e.g. \"kitty\" or"
                    + " \"gnome-terminal --\"");
        }
        console.note("opened a window attached to job " + job);
        return 0;
    }

    /** $VMO_TERMINAL split on spaces, else what the platform offers. */
    private static List<String> terminalCommand() {
        String configured = System.getenv("VMO_TERMINAL");
        if (configured != null && !configured.isBlank()) {
            return Arrays.asList(configured.trim().split("\\s+"));
        }
        for (String candidate : List.of("x-terminal-emulator", "gnome-terminal", "konsole", "xterm")) {
            if (onPath(candidate)) {
                return candidate.equals("gnome-terminal") ? List.of(candidate, "--") : List.of(candidate, "-e");
            }
        }
        throw new CliException("no terminal emulator found; set VMO_TERMINAL to one's command that runs a"
                + " program, e.g. \"kitty\" or \"gnome-terminal --\"");
    }

    private static boolean onPath(String name) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, name)));
    }

    /** This vmo: the launcher sets VMO_LAUNCHER; else `vmo` on the PATH. */
    private static String self() {
        String launcher = System.getenv("VMO_LAUNCHER");
        return launcher != null && !launcher.isBlank() ? launcher : "vmo";
    }
}
