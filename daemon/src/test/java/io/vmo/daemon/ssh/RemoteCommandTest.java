package io.vmo.daemon.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteCommandTest {

    /** The wrapped command, run by a real local sh as sshd would, receives the argv untouched. */
    @Test
    void argumentsReachTheCommandUninterpreted() throws Exception {
        List<String> argv = List.of("printf", "%s|", "a b", "it's", "$(id)", "`x`", "\\n", ";", "*", "");
        Process sh = new ProcessBuilder("sh", "-c", RemoteCommand.wrap(argv)).start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor()).isZero();
        String[] lines = out.split("\n", 2);
        assertThat(Long.parseLong(lines[0])).as("the pid comes first").isEqualTo(sh.pid());
        assertThat(lines[1]).isEqualTo("a b|it's|$(id)|`x`|\\n|;|*||");
    }

    @Test
    void quotesForPosixShells() {
        assertThat(RemoteCommand.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(RemoteCommand.signalGroup(42, "TERM")).isEqualTo("kill -TERM -- -42");
    }
}
