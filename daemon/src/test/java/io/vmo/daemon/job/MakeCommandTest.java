package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.daemon.catalog.Project;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MakeCommandTest {

    private final Project project = new Project("vm", Path.of("/srv/vm"), null);

    /** What recipes must see exactly: everything make, a shell or both could read as something else. */
    static final List<String> TRICKY_VALUES = List.of(
            "$",
            "$$",
            "$(shell touch F)",
            "${shell touch F}",
            "$(X)",
            "$()",
            "`touch F`",
            "$$(touch F)",
            "'",
            "\"",
            "it's \"quoted\"",
            "#not a comment",
            "%",
            "50% off",
            "\\",
            "a\\",
            "\\\\x",
            "\\ x",
            " leading space",
            "\tleading tab",
            "\u000Bleading vt",
            "trailing  ",
            "in\ttab",
            "a  b   c",
            " ",
            "",
            "é ü 日本 🙂",
            "x=y",
            ":=",
            "a;b&&c|d>e<f",
            "*?[a]",
            "~",
            "\u001b[31m");

    @Test
    void buildsAnArgvWhereMakeStopsReadingOptionsBeforeTheTarget() {
        var command = new MakeCommand(project, "status", List.of("ENV=dev", "NAME=a b; rm -rf /", "other"));
        assertThat(command.argv())
                .containsExactly(
                        "make",
                        "-C",
                        "/srv/vm",
                        "--no-print-directory",
                        "--",
                        "status",
                        "ENV=dev",
                        "NAME=a b; rm -rf /",
                        "other");
    }

    @Test
    void writesValuesSoThatMakeExpandsThemToThemselves() {
        var command = new MakeCommand(project, "status", List.of("X=$(shell touch F)", "Y= lead", "Z=", "W=$$"));
        assertThat(command.argv()).endsWith("X=$$(shell touch F)", "Y=$() lead", "Z=", "W=$$$$");
        assertThat(command.args())
                .as("the job records what the client sent")
                .containsExactly("X=$(shell touch F)", "Y= lead", "Z=", "W=$$");
    }

    /**
     * Against GNU make itself: a recipe printing {@code $(V)} and {@code $$V} prints each value byte for byte, at
     * the top and in sub-makes two levels down (which get the variables through MAKEFLAGS), and nothing in them
     * runs, whether a recipe uses them or not (make expands every exported variable for each recipe's environment).
     */
    @Test
    void recipesAndSubMakesSeeEveryValueLiterally(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Makefile"), """
                show:
                \t@$(foreach v,$(NAMES),printf '%s [%s]\\n' $(v) '$(subst ','\\'',$($(v)))'; printf '%s <%s>\\n' $(v) "$$$(v)";)
                sub:
                \t@$(MAKE) show
                subsub:
                \t@$(MAKE) sub
                quiet:
                \t@echo quiet
                """);
        List<String> args = new ArrayList<>();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < TRICKY_VALUES.size(); i++) {
            String value = TRICKY_VALUES.get(i);
            args.add("V" + i + "=" + value);
            expected.append("V").append(i).append(" [").append(value).append("]\n");
            expected.append("V").append(i).append(" <").append(value).append(">\n");
        }
        args.add("NAMES="
                + java.util.stream.IntStream.range(0, TRICKY_VALUES.size())
                        .mapToObj(i -> "V" + i)
                        .collect(java.util.stream.Collectors.joining(" ")));
        var local = new Project("t", dir, null);
        for (String target : List.of("show", "sub", "subsub")) {
            assertThat(make(new MakeCommand(local, target, args), dir))
                    .as("target " + target)
                    .isEqualTo(expected.toString());
        }
        assertThat(make(new MakeCommand(local, "quiet", args), dir)).isEqualTo("quiet\n");
        assertThat(dir.resolve("F")).as("no value ran as a command").doesNotExist();
    }

    private static String make(MakeCommand command, Path dir) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(command.argv());
        ProcessBuilder builder =
                new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        // As a job's make: not a sub-make of whatever make runs these tests.
        List.of("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEFILES", "GNUMAKEFLAGS").forEach(builder.environment()::remove);
        Process make = builder.start();
        String out = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(make.waitFor()).as(out).isZero();
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"-f", "--eval=$(shell id)", "-j", "", " ", "a\nb", "a\0b", "a\rb", "X=$(shell id)", "a=b"})
    void refusesTargetsMakeWouldMisread(String target) {
        assertThatThrownBy(() -> new MakeCommand(project, target, List.of()))
                .isInstanceOfSatisfying(
                        VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "-e",
                "--file=/etc/passwd",
                "=x",
                "1X=y",
                "A B=c",
                "X=a\nb",
                "X=\0",
                "X:=y",
                "X+=y",
                "A.B=c",
                "é=x"
            })
    void refusesArgumentsThatAreNeitherAssignmentsNorTargets(String arg) {
        assertThatThrownBy(() -> new MakeCommand(project, "status", List.of(arg)))
                .isInstanceOfSatisfying(VmoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\0");
                });
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "MAKEFLAGS=-n",
                "MAKEFLAGS=--eval=$(shell touch F)",
                "MFLAGS=-n",
                "GNUMAKEFLAGS=-n",
                "MAKEFILES=other.mk",
                "MAKEFILE_LIST=x",
                "MAKECMDGOALS=x",
                "MAKELEVEL=9",
                "MAKEOVERRIDES=X=1",
                "MAKE=sh",
                "MAKE_COMMAND=sh",
                "MAKESHELL=/bin/bash",
                "MAKE_TERMOUT=1",
                "MAKE_TMPDIR=/tmp",
                "SHELL=/bin/bash",
                ".SHELLFLAGS=-xc",
                ".RECIPEPREFIX=>",
                ".DEFAULT_GOAL=x",
                "VPATH=/etc",
                "GPATH=/etc",
                "CURDIR=/",
                "SUFFIXES=.x",
                "COMSPEC=x",
                "SHELLOPTS=xtrace",
                "PS4=$(touch F)",
                "BASH_ENV=/tmp/x",
                "IFS=x",
                "LD_PRELOAD=/tmp/x.so",
                "LD_LIBRARY_PATH=/tmp",
                "GCONV_PATH=/tmp",
                "PERL5OPT=-Mx",
                "PYTHONPATH=/tmp",
                "JAVA_TOOL_OPTIONS=-x"
            })
    void refusesNamesThatChangeMakeOrTheProgramsItStarts(String arg) {
        String name = arg.substring(0, arg.indexOf('='));
        assertThatThrownBy(() -> new MakeCommand(project, "status", List.of(arg)))
                .isInstanceOfSatisfying(VmoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage())
                            .startsWith("variable " + name + " ")
                            .containsAnyOf("make's own", "make's special", "environment");
                });
    }

    @Test
    void namesOfOrdinaryVariablesPass() {
        assertThatCode(() -> new MakeCommand(
                        project,
                        "status",
                        List.of(
                                "ENV=dev",
                                "CC=clang",
                                "CFLAGS=-O2",
                                "PATH_TO_KEY=k",
                                "_x=1",
                                "MY_MAKEFLAGS=x",
                                "TF_VAR_size=2")))
                .doesNotThrowAnyException();
    }

    @Test
    void theTargetAndItsArgumentsTogetherAreAtMost16KiB() {
        String half = "V=" + "a".repeat(ArgvLimit.MAX_BYTES / 2 - "V=".length());
        assertThatCode(() -> new MakeCommand(project, "t", List.of(half, "W=" + half.substring(3))))
                .as("exactly the limit")
                .doesNotThrowAnyException();
        for (var command : List.<Runnable>of(
                () -> new MakeCommand(project, "t", List.of(half, half)),
                () -> new MakeCommand(project, "a".repeat(1 << 20), List.of()),
                () -> new MakeCommand(project, "t", List.of("V=" + "é".repeat(ArgvLimit.MAX_BYTES / 2))))) {
            assertThatThrownBy(command::run).isInstanceOfSatisfying(VmoException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.getMessage())
                        .startsWith("the target and its arguments are ")
                        .contains("at most 16384")
                        .hasSizeLessThan(300);
            });
        }
    }

    @Test
    void refusesWhatTheLocaleCannotPassUnchanged() {
        assertThatThrownBy(() -> MakeCommand.checkEncodable("X=é", StandardCharsets.US_ASCII))
                .isInstanceOfSatisfying(VmoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage())
                            .contains("X=é")
                            .contains("US-ASCII")
                            .contains("UTF-8");
                });
        assertThatCode(() -> MakeCommand.checkEncodable("X=é 日本 🙂", StandardCharsets.UTF_8))
                .doesNotThrowAnyException();
    }

    @Test
    void messagesShowAtMost80CharactersOfAnArgument() {
        assertThatThrownBy(() -> new MakeCommand(project, "-" + "x".repeat(10_000), List.of()))
                .hasMessageContaining("(10001 characters)")
                .message()
                .hasSizeLessThan(300);
    }
}
