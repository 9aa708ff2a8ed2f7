package io.vmo.daemon.catalog;

import io.vmo.daemon.Settings;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mkcli registry ({@code ~/.config/mkcli/registry}): lines {@code alias=/path/to/project}, blank lines and
 * {@code #} comments allowed. Read on every lookup, so an edit takes effect without restarting the daemon. Entries
 * with a problem are listed with it, never dropped silently.
 */
public final class Registry {

    private static final Logger log = LoggerFactory.getLogger(Registry.class);
    private static final List<String> MAKEFILE_NAMES = List.of("GNUmakefile", "makefile", "Makefile");

    private final Path file;
    private final Path home;

    public Registry(Path file, Path home) {
        this.file = file;
        this.home = home;
    }

    public Path file() {
        return file;
    }

    /** The project for {@code alias}, if it can be run; otherwise a {@link VmoException} saying how to fix it. */
    public Project project(String alias) {
        List<Project> projects = projects();
        Project project = projects.stream()
                .filter(p -> p.alias().equals(alias))
                .findFirst()
                .orElseThrow(() -> new VmoException(
                        ErrorCode.UNKNOWN_PROJECT,
                        "no project \"" + alias + "\" in "
                                + file
                                + (projects.isEmpty()
                                        ? " (it lists none)"
                                        : " (it lists "
                                                + String.join(
                                                        ", ",
                                                        projects.stream()
                                                                .map(Project::alias)
                                                                .toList()) + ")")
                                + "; add a line \"" + alias
                                + "=/path/to/project\" to it"));
        if (!project.runnable()) {
            throw new VmoException(ErrorCode.UNKNOWN_PROJECT, "project \"" + alias + "\": " + project.problem());
        }
        return project;
    }

    /** Every entry, in file order; a later line for the same alias wins, as in mkcli. */
    public List<Project> projects() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new VmoException(ErrorCode.UNKNOWN_PROJECT, "cannot read the project registry " + file + ": " + e);
        }
        List<Project> projects = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Project project = entry(line, i + 1);
            if (!project.runnable()) {
                log.warn("{}: {}", file, project.problem());
            }
            projects.removeIf(p -> p.alias().equals(project.alias()));
            projects.add(project);
        }
        return List.copyOf(projects);
    }

    private Project entry(String line, int number) {
        int eq = line.indexOf('=');
        if (eq <= 0 || eq == line.length() - 1) {
            return new Project(
                    line, null, "line " + number + " of " + file + " is not alias=/path/to/project: \"" + line + "\"");
        }
        String alias = line.substring(0, eq).strip();
        Path dir = Settings.expand(line.substring(eq + 1).strip(), home);
        if (!Files.isDirectory(dir)) {
            return new Project(alias, dir, "its folder " + dir + " does not exist; fix line " + number + " of " + file);
        }
        if (makefile(dir).isEmpty()) {
            return new Project(alias, dir, "its folder " + dir + " has no Makefile");
        }
        return new Project(alias, dir, null);
    }

    static Optional<Path> makefile(Path dir) {
        return MAKEFILE_NAMES.stream()
                .map(dir::resolve)
                .filter(Files::isRegularFile)
                .findFirst();
    }
}
