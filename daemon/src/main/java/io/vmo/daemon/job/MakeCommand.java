package io.vmo.daemon.job;

import io.vmo.daemon.catalog.Project;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code make -C <dir> <target> <args…>} as an argv array. Nothing a client sends can become an option of make:
 * targets and arguments that start with {@code -} are refused (and {@code --} ends make's options anyway), and so
 * is any NUL or line break. Arguments are make variable assignments {@code NAME=value} or further targets.
 */
public record MakeCommand(Project project, String target, List<String> args) {

    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    public MakeCommand {
        checkTarget(target, "target");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                checkTarget(arg, "argument");
            } else if (!VARIABLE.matcher(arg.substring(0, eq)).matches() || hasLineBreakOrNul(arg)) {
                throw invalid("argument \"" + printable(arg) + "\" is not a make variable assignment: use NAME=value,"
                        + " where NAME is letters, digits, _ or . and the value has no line break or NUL");
            }
        }
        args = List.copyOf(args);
    }

    public List<String> argv() {
        List<String> argv = new ArrayList<>(List.of(
                "make", "-C", project.dir().toString(), "--no-print-directory", "--", target));
        argv.addAll(args);
        return argv;
    }

    private static void checkTarget(String name, String what) {
        if (name.isBlank()) {
            throw invalid(what + " is empty; name a make target such as \"status\"");
        }
        if (name.startsWith("-")) {
            throw invalid(what + " \"" + printable(name) + "\" starts with \"-\", which make would read as an option;"
                    + " vmo runs targets and NAME=value assignments only");
        }
        if (hasLineBreakOrNul(name)) {
            throw invalid(what + " \"" + printable(name) + "\" contains a line break or NUL; targets cannot");
        }
    }

    private static boolean hasLineBreakOrNul(String s) {
        return s.indexOf('\0') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    }

    private static String printable(String s) {
        return s.replace("\0", "\\0").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static VmoException invalid(String message) {
        return new VmoException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
