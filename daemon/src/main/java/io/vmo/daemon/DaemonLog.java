package io.vmo.daemon;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import java.io.Console;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Where the daemon's log goes. On a terminal: stderr, as logback.xml says. Without one (a systemd or launchd
 * service, nohup, a pipe) nobody reads stderr, so to {@code $XDG_STATE_HOME/vmo/daemon.log}, which {@code vmo
 * service logs} prints, rotated by size: a daemon that runs for months keeps at most {@link #FILES} files of
 * {@link #MAX_SIZE} each. Under systemd (JOURNAL_STREAM set) stderr still gets it too: the journal is where
 * {@code journalctl --user -u vmo} looks.
 */
final class DaemonLog {

    static final FileSize MAX_SIZE = FileSize.valueOf("10MB");
    static final int FILES = 5;
    /** How often the file's size is looked at: logback's default, a minute, lets a flood of lines grow it far past. */
    static final Duration CHECK_EVERY = Duration.buildBySeconds(1);

    private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n";

    private DaemonLog() {}

    /** Moves the log to {@code file} unless stdout is a terminal. */
    static void configure(Path file, Map<String, String> env) throws IOException {
        if (stdoutIsTerminal()) {
            return;
        }
        PrivateFiles.directory(file.getParent());
        PrivateFiles.file(file);
        toFile(file, MAX_SIZE, FILES, CHECK_EVERY, env.containsKey("JOURNAL_STREAM"));
    }

    /**
     * The root logger writes to {@code file}, which is rolled to {@code file.1} … {@code file.(files-1)} when it
     * reaches {@code maxSize}; the console appender stays only when {@code keepConsole}. Returns the file's
     * appender.
     */
    static RollingFileAppender<ILoggingEvent> toFile(
            Path file, FileSize maxSize, int files, Duration checkEvery, boolean keepConsole) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

        var appender = new RollingFileAppender<ILoggingEvent>();
        appender.setContext(context);
        appender.setName("FILE");
        appender.setFile(file.toString());

        var rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(files - 1);
        rolling.start();

        var trigger = new SizeBasedTriggeringPolicy<ILoggingEvent>();
        trigger.setContext(context);
        trigger.setMaxFileSize(maxSize);
        trigger.setCheckIncrement(checkEvery);
        trigger.start();

        var encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();

        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.setEncoder(encoder);
        appender.start();

        root.addAppender(appender);
        if (!keepConsole) {
            Appender<ILoggingEvent> console = root.getAppender("CONSOLE");
            if (console != null) {
                root.detachAppender(console);
                console.stop();
            }
        }
        return appender;
    }

    /**
     * Whether stdout is a terminal. {@code System.console()} is null without one up to JDK 21; from JDK 22 it is a
     * console even when redirected, and {@code isTerminal()} (22+, so called reflectively: vmo builds for 21) says.
     */
    static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 21: a console at all means a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
