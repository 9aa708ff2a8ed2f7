package io.vmo.daemon.catalog;

import io.vmo.protocol.TargetInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A project's targets as make itself sees them: from make's own database ({@code make -pRrq}), so includes,
 * variables in target names and conditionals are resolved by make, not guessed by a regex over the Makefile.
 * Pattern rules, special and dot targets, and files that are not targets are left out.
 */
final class MakeTargets {

    /** A goal no Makefile defines: with it, make prints its database and runs no recipe at all (not even {@code +} lines). */
    private static final String NO_GOAL = "__vmo_list_targets__";

    private static final Pattern RULE = Pattern.compile("^([^\\s#=:][^=:]*?):(?:[^=]|$).*");
    private static final Pattern MAKEFILE_LIST = Pattern.compile("^MAKEFILE_LIST :?= (.*)$");
    private static final Pattern HELP = Pattern.compile("^([^\\s#=:][^#=:]*?)\\s*:[^=#]*##\\s*(.+)$");

    /** What a listing found: the targets, and the makefiles read (for change detection). */
    record Listing(List<TargetInfo> targets, List<Path> makefiles) {}

    private MakeTargets() {}

    /** Lists the targets of the Makefile in {@code dir}, or throws with make's own complaint. */
    static Listing list(Path dir) throws IOException, InterruptedException {
        Process make = new ProcessBuilder("make", "--no-print-directory", "-C", dir.toString(), "-pRrq", "--", NO_GOAL)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        var stderr = make.getErrorStream();
        byte[] database = make.getInputStream().readAllBytes();
        String errors = new String(stderr.readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!make.waitFor(30, TimeUnit.SECONDS)) {
            make.destroyForcibly();
            throw new IOException("make took more than 30 s to read the Makefile");
        }
        // make's fatal errors carry "***"; the one about NO_GOAL is expected, warnings (clock skew…) are not fatal.
        String complaint = errors.lines()
                .filter(l -> l.contains("***") && !l.contains(NO_GOAL))
                .reduce((a, b) -> a + "; " + b)
                .orElse("");
        if (!complaint.isEmpty()) {
            throw new IOException(complaint);
        }
        return parse(new String(database, StandardCharsets.UTF_8), dir);
    }

    static Listing parse(String database, Path dir) throws IOException {
        List<Path> makefiles = new ArrayList<>();
        Map<String, String> targets = new LinkedHashMap<>();
        boolean inFiles = false;
        boolean notATarget = false;
        for (String line : database.split("\n", -1)) {
            Matcher list = MAKEFILE_LIST.matcher(line);
            if (list.matches() && makefiles.isEmpty()) {
                for (String name : list.group(1).strip().split("\\s+")) {
                    makefiles.add(dir.resolve(name));
                }
            } else if (line.equals("# Files")) {
                inFiles = true;
            } else if (line.startsWith("# Not a target")) {
                notATarget = true;
            } else if (inFiles) {
                Matcher rule = RULE.matcher(line);
                if (rule.matches()) {
                    String name = rule.group(1);
                    if (!notATarget && !name.startsWith(".") && !name.contains("%")) {
                        targets.putIfAbsent(name, null);
                    }
                    notATarget = false;
                } else if (line.isEmpty()) {
                    notATarget = false;
                }
            }
        }
        Map<String, String> help = helpComments(makefiles);
        List<TargetInfo> result = targets.keySet().stream()
                .sorted()
                .map(name -> new TargetInfo(name, help.get(name)))
                .toList();
        return new Listing(result, List.copyOf(makefiles));
    }

    /** The {@code target: deps ## description} convention, from every makefile make read. */
    private static Map<String, String> helpComments(List<Path> makefiles) throws IOException {
        Map<String, String> help = new LinkedHashMap<>();
        for (Path makefile : makefiles) {
            if (!Files.isRegularFile(makefile)) {
                continue;
            }
            // lenient decoding: a stray Latin-1 byte in a comment must not hide every description
            for (String line : new String(Files.readAllBytes(makefile), StandardCharsets.UTF_8).split("\n")) {
                Matcher m = HELP.matcher(line);
                if (m.matches()) {
                    for (String name : m.group(1).strip().split("\\s+")) {
                        help.putIfAbsent(name, m.group(2).strip());
                    }
                }
            }
        }
        return help;
    }
}
