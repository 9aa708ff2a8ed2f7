package io.vmo.daemon.job;

import io.vmo.daemon.catalog.Project;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code make -C <dir> <target> <args…>} as an argv array, where what a client sends means to make only what it
 * says. Targets and arguments that start with {@code -} are refused (and {@code --} ends make's options anyway), and
 * so is any NUL or line break. An argument with {@code =} is a variable assignment {@code NAME=value}, which
 * recipes receive literally and which cannot change make itself ({@link MakeVariable}); any other argument is a
 * further target. All of it together is at most {@link ArgvLimit#MAX_BYTES}, and none of it may hold characters
 * the daemon's locale would pass on altered.
 */
public record MakeCommand(Project project, String target, List<String> args) {

    /**
     * How the JVM encodes a child's arguments: the locale's charset ({@code sun.jnu.encoding}). In a locale
     * without UTF-8 (e.g. POSIX) it turns every character it cannot encode into {@code ?}.
     */
    private static final Charset ARGV_CHARSET = argvCharset();

    public MakeCommand {
        args = List.copyOf(args);
        List<String> all = new ArrayList<>(args.size() + 1);
        all.add(target);
        all.addAll(args);
        ArgvLimit.check("the target and its arguments", all);
        checkTarget(target, "target");
        for (String arg : args) {
            if (arg.indexOf('=') < 0) {
                checkTarget(arg, "argument");
            } else {
                MakeVariable.parse(arg);
            }
        }
        all.forEach(arg -> checkEncodable(arg, ARGV_CHARSET));
    }

    public List<String> argv() {
        List<String> argv =
                new ArrayList<>(List.of("make", "-C", project.dir().toString(), "--no-print-directory", "--", target));
        for (String arg : args) {
            argv.add(arg.indexOf('=') < 0 ? arg : MakeVariable.parse(arg).assignment());
        }
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
        if (name.indexOf('=') >= 0) {
            throw invalid(what + " \"" + printable(name) + "\" contains \"=\", which make would read as a variable"
                    + " assignment; name a target, and give variables as arguments (NAME=value)");
        }
        if (hasLineBreakOrNul(name)) {
            throw invalid(what + " \"" + printable(name) + "\" contains a line break or NUL; targets cannot");
        }
    }

    /** Refuses what the JVM would hand make altered; package-private for tests of other charsets. */
    static void checkEncodable(String arg, Charset charset) {
        CharsetEncoder encoder = charset.newEncoder();
        if (!encoder.canEncode(arg)) {
            throw invalid("\"" + printable(arg) + "\" has characters that the daemon's locale (" + charset.name()
                    + ") cannot pass to make unchanged; start the daemon in a UTF-8 locale (e.g. LANG=C.UTF-8),"
                    + " or use only ASCII");
        }
    }

    private static boolean hasLineBreakOrNul(String s) {
        return s.indexOf('\0') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    }

    /** For messages: control characters made visible, and at most 80 characters of a long argument. */
    static String printable(String s) {
        String shown = s;
        if (s.length() > 80) {
            int cut = Character.isHighSurrogate(s.charAt(79)) ? 79 : 80; // never half a character
            shown = s.substring(0, cut) + "… (" + s.length() + " characters)";
        }
        return shown.replace("\0", "\\0").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static Charset argvCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", System.getProperty("native.encoding")));
        } catch (RuntimeException unknown) {
            return Charset.defaultCharset();
        }
    }

    static VmoException invalid(String message) {
        return new VmoException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
