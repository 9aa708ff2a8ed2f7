package io.vmo.daemon.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTest {

    @TempDir
    Path tmp;

    @Test
    void readsAliasesSkippingCommentsBlanksAndMalformedLines() throws Exception {
        Path vm = Files.createDirectories(tmp.resolve("home/code/vm"));
        Path db = Files.createDirectories(tmp.resolve("db"));
        Files.writeString(vm.resolve("Makefile"), "all:\n");
        Files.writeString(db.resolve("GNUmakefile"), "all:\n");
        Path file = tmp.resolve("registry");
        Files.writeString(file, "# projects\n\nvm=~/code/vm\n  db = " + db + "  \nbroken line\n=nothing\n");
        Registry registry = new Registry(file, tmp.resolve("home"));

        assertThat(registry.project("vm").dir()).isEqualTo(vm);
        assertThat(registry.project("db").dir()).isEqualTo(db);
        assertThat(registry.projects())
                .extracting(Project::alias)
                .containsExactly("vm", "db", "broken line", "=nothing");
        assertThat(registry.projects().get(2).problem()).contains("line 5").contains("alias=/path/to/project");
    }

    @Test
    void anUnknownAliasSaysWhereToAddIt() throws Exception {
        Path file = tmp.resolve("registry");
        Files.writeString(file, "vm=" + tmp + "\n");
        Files.writeString(tmp.resolve("Makefile"), "all:\n");
        assertThatThrownBy(() -> new Registry(file, tmp).project("nope"))
                .isInstanceOfSatisfying(VmoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_PROJECT);
                    assertThat(e.getMessage())
                            .contains("nope")
                            .contains(file.toString())
                            .contains("vm")
                            .contains("nope=/path/to/project");
                });
    }

    @Test
    void aMissingDirectoryIsNamed() throws Exception {
        Path file = tmp.resolve("registry");
        Files.writeString(file, "gone=" + tmp.resolve("gone") + "\n");
        assertThatThrownBy(() -> new Registry(file, tmp).project("gone")).hasMessageContaining("does not exist");
        Files.createDirectories(tmp.resolve("gone"));
        assertThat(new Registry(file, tmp).projects().getFirst().problem()).contains("no Makefile");
    }

    @Test
    void noRegistryFileMeansNoProjects() {
        assertThat(new Registry(tmp.resolve("missing"), tmp).projects()).isEmpty();
    }
}
