package io.vmo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion scripts, loaded into the real shells (`make test-deps` installs zsh and fish). */
class CompletionTest {

    @TempDir
    Path tmp;

    @Test
    void bashCompletesSubcommandsAndTheirOptions() throws Exception {
        Path script = write("vmo.bash", script("bash"));
        assertThat(complete(script, "vmo", "")).contains("run", "jobs", "tail", "logs", "completion", "daemon");
        assertThat(complete(script, "vmo", "jo")).containsExactly("jobs");
        assertThat(complete(script, "vmo", "jobs", "--li")).containsExactly("--limit");
        assertThat(complete(script, "vmo", "run", "--da")).containsExactly("--daemon");
        assertThat(complete(script, "vmo", "completion", "")).containsExactlyInAnyOrder("bash", "zsh", "fish");
    }

    @Test
    void zshAndFishScriptsParse() throws Exception {
        assertThat(run(List.of("zsh", "-n", write("vmo.zsh", script("zsh")).toString())))
                .isEmpty();
        String fish = script("fish");
        assertThat(fish)
                .contains("complete -c vmo -n __fish_use_subcommand -a jobs -d 'List recent jobs, newest first.'")
                .contains("complete -c vmo -n '__fish_seen_subcommand_from jobs' -s n -l limit -r")
                .contains("complete -c vmo -n '__fish_seen_subcommand_from run' -a \"(__vmo_ask 'PROJECT' 'TARGET')\"")
                .contains(
                        "complete -c vmo -n '__fish_seen_subcommand_from logs' -a \"(__vmo_ask 'VM' 'PRESET|CONTAINER')\"");
        assertThat(run(List.of("fish", "-n", write("vmo.fish", fish).toString())))
                .isEmpty();
    }

    private static String script(String shell) {
        String[] args = {"completion", shell};
        var vmo = Vmo.commandLine(args); // as main() builds it: only the subcommand named
        StringWriter out = new StringWriter();
        vmo.setOut(new PrintWriter(out));
        assertThat(vmo.execute(args)).isZero();
        return out.toString();
    }

    /** The candidates bash offers with the cursor at the end of {@code words}. */
    private List<String> complete(Path script, String... words) throws Exception {
        String program = BashCompletion.program(script, words);
        return run(List.of("bash", "-c", program))
                .lines()
                .filter(s -> !s.isBlank())
                .toList();
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    /** stdout; fails on a non-zero exit or anything on stderr. */
    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(err).as(String.join(" ", command)).isEmpty();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }
}
