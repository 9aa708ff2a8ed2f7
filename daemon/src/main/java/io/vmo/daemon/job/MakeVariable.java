package io.vmo.daemon.job;

import static io.vmo.daemon.job.MakeCommand.invalid;
import static io.vmo.daemon.job.MakeCommand.printable;
import static java.util.Map.entry;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A client's {@code NAME=value} for make's command line, written so that recipes get exactly {@code value} — as
 * {@code $(NAME)}, in their environment as {@code $$NAME}, and the same in {@code $(MAKE)} sub-makes — and so that
 * it cannot change how make, or the programs a recipe starts, behave: names those read as settings are refused.
 *
 * <p>How it reaches make: {@code NAME=} then the value with every {@code $} doubled. That defines a recursively
 * expanded variable, which make expands wherever it is used and when it exports it to a recipe; {@code $$} is the
 * only thing expansion changes in such a value, and what an expansion yields is not expanded again. A simply
 * expanded {@code NAME:=} would not do: make hands command-line variables to sub-makes in {@code MAKEFLAGS}, and
 * for a simple one it writes the already expanded value there, which the sub-make expands again (GNU make 4.3:
 * {@code X:=$$(shell touch F)} creates F in a {@code $(MAKE)} sub-make; a recursive one is passed as written).
 * make drops whitespace after the {@code =}, so a value that starts with some is written after {@code $()}, which
 * expands to nothing (no variable can have the empty name).
 */
record MakeVariable(String name, String value) {

    /** As a shell variable's name: make exports only such names to recipes, and a shell reads only such. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * Variables that make itself reads or sets, and what setting one would do. From GNU make's manual (the Quick
     * Reference's variables, "Special Variables", "Communicating Variables to a Sub-make"); every other name
     * starting with MAKE is refused too ({@link #refusal}).
     */
    private static final Map<String, String> MAKES_OWN = Map.ofEntries(
            entry("MAKEFLAGS", "it holds make's options (-n, --eval=…), which make would obey"),
            entry("MFLAGS", "it holds make's options, which make would pass to sub-makes"),
            entry("GNUMAKEFLAGS", "it holds make's options (-n, --eval=…), which make would obey"),
            entry("MAKEFILES", "make reads the makefiles it names before the project's own"),
            entry("MAKEOVERRIDES", "it holds the command line's variables, which make passes to sub-makes"),
            entry("MAKELEVEL", "it is make's recursion depth"),
            entry("MAKECMDGOALS", "it holds the targets make was asked for"),
            entry("MAKEFILE_LIST", "it holds the makefiles make has read"),
            entry("MAKE", "it is the command recipes run as a sub-make"),
            entry("MAKE_COMMAND", "it is the command recipes run as a sub-make"),
            entry("MAKESHELL", "it chooses the program that runs every recipe"),
            entry("SHELL", "it chooses the program that runs every recipe"),
            entry("COMSPEC", "it chooses the program that runs every recipe"),
            entry("VPATH", "it changes where make looks for files"),
            entry("GPATH", "it changes where make looks for files"),
            entry("CURDIR", "it is the directory make runs in"),
            entry("SUFFIXES", "it is make's list of suffixes for its built-in rules"));

    /**
     * Names that change how programs behave as they start — the dynamic loader, shells, interpreters — which make
     * would put into every recipe's environment (e.g. {@code SHELLOPTS=xtrace PS4='$(cmd)'} runs cmd in a bash
     * recipe). The ones sudo removes from a command's environment (plugins/sudoers/env.c, initial_badenv_table)
     * and those glibc ignores for set-user-ID programs (UNSECURE_ENVVARS) — except {@code ENV}: only an
     * interactive shell reads it (as a file to source; recipes' shells are not interactive), and {@code ENV=dev}
     * is what a deployment environment is commonly called, vmo's own examples included.
     */
    private static final Set<String> CHANGE_PROGRAMS = Set.of(
            "IFS",
            "CDPATH",
            "BASH_ENV",
            "PS4",
            "GLOBIGNORE",
            "BASHOPTS",
            "SHELLOPTS",
            "FPATH",
            "NULLCMD",
            "READNULLCMD",
            "ZDOTDIR",
            "TMPPREFIX",
            "JAVA_TOOL_OPTIONS",
            "PERLIO_DEBUG",
            "PERLLIB",
            "PERL5LIB",
            "PERL5OPT",
            "PERL5DB",
            "PYTHONHOME",
            "PYTHONPATH",
            "PYTHONINSPECT",
            "PYTHONUSERBASE",
            "RUBYLIB",
            "RUBYOPT",
            "TERMINFO",
            "TERMINFO_DIRS",
            "TERMPATH",
            "TERMCAP",
            "LOCALDOMAIN",
            "RES_OPTIONS",
            "HOSTALIASES",
            "NLSPATH",
            "PATH_LOCALE",
            "GCONV_PATH",
            "GETCONF_DIR",
            "LOCPATH",
            "MALLOC_TRACE",
            "NIS_PATH",
            "RESOLV_HOST_CONF",
            "TMPDIR",
            "TZDIR");

    private static final Set<String> CHANGE_PROGRAMS_PREFIXES = Set.of("LD_", "_RLD");

    /** Parses {@code NAME=value} (the first {@code =} ends the name), or refuses it saying why. */
    static MakeVariable parse(String arg) {
        int eq = arg.indexOf('=');
        String name = arg.substring(0, eq);
        String value = arg.substring(eq + 1);
        if (name.startsWith(".")) {
            throw invalid("variable " + printable(name) + " is one of make's special variables (names"
                    + " starting with \".\", such as .SHELLFLAGS or .DEFAULT_GOAL, change how make works); vmo"
                    + " refuses them");
        }
        if (!NAME.matcher(name).matches()) {
            throw invalid("argument \"" + printable(arg) + "\" is not a make variable assignment: use"
                    + " NAME=value, where NAME starts with a letter or _ and has only letters, digits and _");
        }
        String refusal = refusal(name);
        if (refusal != null) {
            throw invalid("variable " + name + " " + refusal + "; use another name");
        }
        if (value.indexOf('\0') >= 0) {
            throw invalid("the value of " + name + " contains NUL, which no program can be given; remove it");
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw invalid("the value of " + name + " contains a line break; make splits recipe lines at line"
                    + " breaks, so it would not reach recipes as given: pass it without one");
        }
        return new MakeVariable(name, value);
    }

    /**
     * Whether make passes its own state to another make through this name (MAKEFLAGS, MAKELEVEL, MFLAGS, every
     * MAKE…): never a client's to set, nor a job's to inherit from whoever started the daemon.
     */
    static boolean isMakeState(String name) {
        return name.startsWith("MAKE") || name.equals("MFLAGS") || name.equals("GNUMAKEFLAGS");
    }

    /** Why vmo refuses this (well-formed) name, to follow "variable NAME ", or null. */
    private static String refusal(String name) {
        String own = MAKES_OWN.get(name);
        if (own != null) {
            return "is make's own and refused: " + own;
        }
        if (isMakeState(name)) { // MFLAGS and GNUMAKEFLAGS have their own reasons above
            return "is refused: names starting with MAKE are make's own (MAKEFLAGS, MAKEFILES, MAKE_TERMOUT,"
                    + " MAKE_TMPDIR…)";
        }
        if (CHANGE_PROGRAMS.contains(name) || CHANGE_PROGRAMS_PREFIXES.stream().anyMatch(name::startsWith)) {
            return "is refused: make puts its command line's variables into every recipe's environment, where "
                    + name + " changes how the programs a recipe starts behave (the dynamic loader, shells,"
                    + " interpreters read it)";
        }
        return null;
    }

    /** The argument for make's command line; see the class comment. */
    String assignment() {
        String escaped = value.replace("$", "$$");
        boolean leadingSpace = !value.isEmpty() && isCSpace(value.charAt(0));
        return name + "=" + (leadingSpace ? "$()" : "") + escaped;
    }

    /** C's isspace in the C locale: what make skips after the {@code =}. */
    private static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }
}
