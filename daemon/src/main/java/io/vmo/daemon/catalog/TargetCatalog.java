package io.vmo.daemon.catalog;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.TargetInfo;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The targets of each registered project. An executable named like the alias that answers {@code --list-targets}
 * wins (mkcli's convention); otherwise make's own view of the Makefile. Listings are cached until one of the
 * makefiles make read changes.
 */
public final class TargetCatalog {

    private static final Logger log = LoggerFactory.getLogger(TargetCatalog.class);

    /** A project's targets, or why they could not be listed. */
    public record Listing(List<TargetInfo> targets, String problem) {}

    private record Cached(MakeTargets.Listing listing, List<FileTime> stamps) {}

    private final Registry registry;
    private final List<Path> executablePath;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public TargetCatalog(Registry registry, List<Path> executablePath) {
        this.registry = registry;
        this.executablePath = List.copyOf(executablePath);
    }

    public Listing targets(String alias) {
        Project project = registry.project(alias); // throws for unknown or broken projects
        Optional<Listing> own = listTargetsCommand(alias);
        if (own.isPresent()) {
            return own.get();
        }
        Cached cached = cache.get(alias);
        if (cached != null
                && cached.listing().makefiles().size() == cached.stamps().size()
                && stamps(cached.listing().makefiles()).equals(cached.stamps())) {
            return new Listing(cached.listing().targets(), null);
        }
        try {
            MakeTargets.Listing listing = MakeTargets.list(project.dir());
            cache.put(alias, new Cached(listing, stamps(listing.makefiles())));
            return new Listing(listing.targets(), null);
        } catch (IOException e) {
            String problem = "make rejects the Makefile of \"" + alias + "\": " + e.getMessage();
            log.warn(problem);
            return new Listing(List.of(), problem);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmoException(ErrorCode.INTERNAL, "interrupted while listing targets");
        }
    }

    /** {@code <alias> --list-targets}: one target a line, optionally followed by a description. */
    private Optional<Listing> listTargetsCommand(String alias) {
        Optional<Path> executable = executablePath.stream()
                .map(dir -> dir.resolve(alias))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
        if (executable.isEmpty()) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder(executable.get().toString(), "--list-targets")
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return Optional.empty(); // it does not answer: fall back to make
            }
            List<TargetInfo> targets = new ArrayList<>();
            for (String line : out.split("\n")) {
                String[] parts = line.strip().split("\\s+", 2);
                if (!parts[0].isEmpty()) {
                    String description = parts.length > 1 ? parts[1].replaceFirst("^(##|-|:)\\s*", "") : null;
                    targets.add(new TargetInfo(
                            parts[0], description == null || description.isEmpty() ? null : description));
                }
            }
            return Optional.of(new Listing(List.copyOf(targets), null));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static List<FileTime> stamps(List<Path> files) {
        List<FileTime> stamps = new ArrayList<>();
        for (Path file : files) {
            try {
                stamps.add(Files.getLastModifiedTime(file));
            } catch (IOException e) {
                stamps.add(FileTime.fromMillis(0)); // gone: differs from any real stamp
            }
        }
        return stamps;
    }
}
