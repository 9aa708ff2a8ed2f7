package io.vmo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class DaemonLogTest {

    @Test
    void theFileIsRotatedBySizeAndAtMostSoManyAreKept(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("daemon.log");
        var appender = DaemonLog.toFile(file, FileSize.valueOf("2KB"), 3, Duration.buildByMilliseconds(0), true);
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        try {
            org.slf4j.Logger log = LoggerFactory.getLogger("io.vmo.test.rotation");
            for (int i = 0; i < 2000; i++) {
                log.info("line {} of a daemon that logs a lot, to see its file rotated", i);
            }
        } finally {
            root.detachAppender(appender);
            appender.stop();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("daemon.log", "daemon.log.1", "daemon.log.2");
        }
        for (String name : new String[] {"daemon.log", "daemon.log.1", "daemon.log.2"}) {
            // A file is rolled once it reached the limit: the limit and one line more at most.
            assertThat(Files.size(dir.resolve(name))).as(name).isLessThanOrEqualTo(2048 + 200);
        }
        assertThat(Files.readString(file)).contains("INFO  rotation - line 1999 of a daemon");
        assertThat(Files.readString(dir.resolve("daemon.log.2"))).doesNotContain("line 0 ");
    }

    @Test
    void theServiceDefaultsAreTenMegabytesFiveFiles() {
        assertThat(DaemonLog.MAX_SIZE.getSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(DaemonLog.FILES).isEqualTo(5);
    }
}
