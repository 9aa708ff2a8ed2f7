package io.vmo.daemon.catalog;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mkcli registry ({@code ~/.config/mkcli/registry}): lines {@code alias=/path/to/project}, blank lines and
 * {@code #} comments allowed. Read on every lookup, so an edit takes effect without restarting the daemon.
 */
public final class Registry {

    private static final Logger log = LoggerFactory.getLogger(Registry.class);

    private final Path file;
    private final Path home;

    public Registry(Path file, Path home) {
        this.file = file;
        this.home = home;
    }

    public Path file() {
        return file;
    }

    /** The project for {@code alias}, or a {@link VmoException} that says how to register it. */
    public Project project(String alias) {
        Map<String, Project> projects = read();
        Project project = projects.get(alias);
        if (project == null) {
            throw new VmoException(ErrorCode.UNKNOWN_PROJECT, "no project \"" + alias + "\" in " + file
                    + (projects.isEmpty() ? " (it lists none)" : " (it lists " + String.join(", ", projects.keySet()) + ")")
                    + "; add a line \"" + alias + "=/path/to/project\" to it");
        }
        if (!Files.isDirectory(project.dir())) {
            throw new VmoException(ErrorCode.UNKNOWN_PROJECT, "project \"" + alias + "\" points to " + project.dir()
                    + ", which is not a directory; fix its line in " + file);
        }
        return project;
    }

    public List<Project> projects() {
        return List.copyOf(read().values());
    }

    private Map<String, Project> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new VmoException(ErrorCode.UNKNOWN_PROJECT, "cannot read the project registry " + file + ": " + e);
        }
        Map<String, Project> projects = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || eq == line.length() - 1) {
                log.warn("{}:{}: ignored, expected alias=/path/to/project: {}", file, i + 1, line);
                continue;
            }
            String alias = line.substring(0, eq).strip();
            projects.put(alias, new Project(alias, expand(line.substring(eq + 1).strip())));
        }
        return projects;
    }

    private Path expand(String path) {
        if (path.equals("~")) {
            return home;
        }
        return path.startsWith("~/") ? home.resolve(path.substring(2)) : Path.of(path);
    }
}
