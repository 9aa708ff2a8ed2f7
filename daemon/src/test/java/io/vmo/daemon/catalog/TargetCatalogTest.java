package io.vmo.daemon.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.protocol.TargetInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real make: includes, variables, help comments, and what is not a target. */
class TargetCatalogTest {

    @TempDir
    Path tmp;

    Path project;
    Registry registry;

    @BeforeEach
    void registerProject() throws Exception {
        project = Files.createDirectories(tmp.resolve("vm"));
        Path file = tmp.resolve("registry");
        Files.writeString(file, "vm=" + project + "\n");
        registry = new Registry(file, tmp);
    }

    @Test
    void listsTargetsAsMakeSeesThem() throws Exception {
        Files.writeString(project.resolve("Makefile"), """
                include common.mk
                NAME := world
                ifeq ($(ENABLE_EXTRA),1)
                extra:
                endif
                .PHONY: status deploy
                status: ## Show the status
                \t@echo status
                deploy: build ## Deploy to the VM
                \t@echo deploy
                build:
                \t@touch built
                $(NAME)-greet:
                \t@echo hi
                %.o: %.c
                \tcc -c $<
                .hidden:
                \t@echo no
                a b: ## two at once
                \t@echo ab
                side-effect:
                \t+touch ran-with-plus
                """);
        Files.writeString(project.resolve("common.mk"), "included: ## from an include\n\t@echo inc\n");

        var listing = new TargetCatalog(registry, List.of()).targets("vm");

        assertThat(listing.problem()).isNull();
        assertThat(listing.targets())
                .containsExactly(
                        new TargetInfo("a", "two at once"),
                        new TargetInfo("b", "two at once"),
                        new TargetInfo("build", null),
                        new TargetInfo("deploy", "Deploy to the VM"),
                        new TargetInfo("included", "from an include"),
                        new TargetInfo("side-effect", null),
                        new TargetInfo("status", "Show the status"),
                        new TargetInfo("world-greet", null));
        assertThat(project.resolve("ran-with-plus"))
                .as("listing runs no recipe")
                .doesNotExist();
        assertThat(project.resolve("built")).doesNotExist();
    }

    @Test
    void refreshesWhenAnIncludedMakefileChanges() throws Exception {
        Files.writeString(project.resolve("Makefile"), "include more.mk\none:\n");
        Path more = project.resolve("more.mk");
        Files.writeString(more, "two:\n");
        TargetCatalog catalog = new TargetCatalog(registry, List.of());
        assertThat(catalog.targets("vm").targets()).extracting(TargetInfo::name).containsExactly("one", "two");

        Files.writeString(more, "two:\nthree: ## new\n");
        Files.setLastModifiedTime(more, FileTime.from(Instant.now().minusSeconds(60)));

        assertThat(catalog.targets("vm").targets()).extracting(TargetInfo::name).containsExactly("one", "three", "two");
    }

    @Test
    void aMakefileMakeRejectsIsAProblemNotAFailure() throws Exception {
        Files.writeString(project.resolve("Makefile"), "status:\n\techo ok\n  ifeq (\nbroken\n");
        var listing = new TargetCatalog(registry, List.of()).targets("vm");
        assertThat(listing.targets()).isEmpty();
        assertThat(listing.problem()).contains("make rejects the Makefile of \"vm\"");
    }

    @Test
    void anExecutableNamedLikeTheAliasThatAnswersListTargetsWins() throws Exception {
        Files.writeString(project.resolve("Makefile"), "from-make:\n");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path vm = bin.resolve("vm");
        Files.writeString(vm, "#!/bin/sh\n[ \"$1\" = --list-targets ] || exit 1\nprintf 'up  ## Start it\\ndown\\n'\n");
        Files.setPosixFilePermissions(vm, PosixFilePermissions.fromString("rwxr-xr-x"));

        var listing = new TargetCatalog(registry, List.of(bin)).targets("vm");

        assertThat(listing.targets()).containsExactly(new TargetInfo("up", "Start it"), new TargetInfo("down", null));
    }

    @Test
    void anExecutableThatDoesNotAnswerFallsBackToMake() throws Exception {
        Files.writeString(project.resolve("Makefile"), "from-make:\n");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path vm = bin.resolve("vm");
        Files.writeString(vm, "#!/bin/sh\nexit 2\n");
        Files.setPosixFilePermissions(vm, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(new TargetCatalog(registry, List.of(bin)).targets("vm").targets())
                .extracting(TargetInfo::name)
                .containsExactly("from-make");
    }
}
