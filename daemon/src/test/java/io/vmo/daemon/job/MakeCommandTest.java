package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.daemon.catalog.Project;
import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MakeCommandTest {

    private final Project project = new Project("vm", Path.of("/srv/vm"), null);

    @Test
    void buildsAnArgvWhereMakeStopsReadingOptionsBeforeTheTarget() {
        var command = new MakeCommand(project, "status", List.of("ENV=dev", "NAME=a b; rm -rf /", "other"));
        assertThat(command.argv()).containsExactly("make", "-C", "/srv/vm", "--no-print-directory", "--", "status",
                "ENV=dev", "NAME=a b; rm -rf /", "other");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-f", "--eval=$(shell id)", "-j", "", " ", "a\nb", "a\0b", "a\rb"})
    void refusesTargetsMakeWouldMisread(String target) {
        assertThatThrownBy(() -> new MakeCommand(project, target, List.of()))
                .isInstanceOfSatisfying(VmoException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-e", "--file=/etc/passwd", "=x", "1X=y", "A B=c", "X=a\nb", "X=\0"})
    void refusesArgumentsThatAreNeitherAssignmentsNorTargets(String arg) {
        assertThatThrownBy(() -> new MakeCommand(project, "status", List.of(arg)))
                .isInstanceOfSatisfying(VmoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\0");
                });
    }
}
