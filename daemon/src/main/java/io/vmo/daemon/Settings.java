package io.vmo.daemon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code $XDG_CONFIG_HOME/vmo/config.yml}: what the user tells vmo beyond the defaults. Read when needed, so edits
 * apply without a restart; a file that cannot be read yields the defaults and a {@code problem} to show.
 *
 * <pre>
 * vm_config_roots: [~/code/vm-config/environments]   # folders of &lt;env&gt;/config.yml
 * ssh_config: ~/.ssh/config                          # OpenSSH config to resolve hosts with (ssh -F)
 * log_presets:                                       # per VM name: preset name → remote argv
 *   web-1: { nginx: [tail, -f, /var/log/nginx/access.log] }
 * interactive:                                       # per project alias: targets that ask questions, run in a PTY
 *   vm: [create, ssh]
 * retention:                                         # what the daily prune (and `vmo prune`) keeps
 *   days: 30                                         # finished jobs, with their output, for this many days after their end
 *   keep_last_per_target: 5                          # and, whatever their age, each target's last 5 runs
 * audit:
 *   retention_days: 365                              # audit rows older than this are pruned, daily (at least 1)
 * </pre>
 *
 * <p>{@code retention} defaults to {@link RetentionPolicy#DEFAULT} (30 days: what the product documents ask of event
 * history; the last 5 runs of a target: a rarely run target, a quarterly deploy, still shows how it went last time).
 * A "target" is a make job's project and target (its arguments aside), or a VM job's VM and command argv. A running
 * job is never pruned. The audit trail's own retention is a separate key beside this one ({@code audit:
 * {retention_days: 365}}), not part of {@code retention}: the audit trail is pruned only by its own setting.
 */
public record Settings(
        List<Path> vmConfigRoots,
        Path sshConfig,
        Map<String, Map<String, List<String>>> logPresets,
        Map<String, List<String>> interactive,
        RetentionPolicy retention,
        Audit audit,
        String problem) {

    /** {@code audit:} — the audit trail's own retention; only this file changes it. */
    public record Audit(Integer retentionDays) {
        public Audit {
            if (retentionDays != null && retentionDays < 1) {
                throw new IllegalArgumentException(
                        "audit.retention_days must be 1 or more (days), not " + retentionDays);
            }
        }
    }

    /** The audit trail's retention when config.yml does not say. */
    public static final int DEFAULT_AUDIT_RETENTION_DAYS = 365;

    /** Settings without {@code retention:} and {@code audit:} sections. */
    public Settings(
            List<Path> vmConfigRoots,
            Path sshConfig,
            Map<String, Map<String, List<String>>> logPresets,
            Map<String, List<String>> interactive,
            String problem) {
        this(vmConfigRoots, sshConfig, logPresets, interactive, RetentionPolicy.DEFAULT, null, problem);
    }

    /** Days an audit row is kept: config.yml's {@code audit.retention_days}, else {@value #DEFAULT_AUDIT_RETENTION_DAYS}. */
    public int auditRetentionDays() {
        return audit == null || audit.retentionDays() == null ? DEFAULT_AUDIT_RETENTION_DAYS : audit.retentionDays();
    }

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** The file as written; paths still carry {@code ~}. */
    private record File(
            List<String> vmConfigRoots,
            String sshConfig,
            Map<String, Map<String, List<String>>> logPresets,
            Map<String, List<String>> interactive,
            RetentionFile retention,
            Audit audit) {}

    private record RetentionFile(Integer days, Integer keepLastPerTarget) {}

    public static Settings load(Path file, Path home) {
        File raw;
        try {
            raw = YAML.readValue(Files.readString(file), File.class);
        } catch (NoSuchFileException e) {
            raw = null;
        } catch (IOException | RuntimeException e) {
            return new Settings(
                    List.of(),
                    null,
                    Map.of(),
                    Map.of(),
                    RetentionPolicy.DEFAULT,
                    null,
                    file + " cannot be read: " + firstLine(e.getMessage()) + "; see docs/configuration in the README");
        }
        if (raw == null) {
            return new Settings(List.of(), null, Map.of(), Map.of(), RetentionPolicy.DEFAULT, null, null);
        }
        String problem = null;
        RetentionPolicy retention = RetentionPolicy.DEFAULT;
        if (raw.retention() != null) {
            int days = raw.retention().days() == null
                    ? retention.days()
                    : raw.retention().days();
            int keep = raw.retention().keepLastPerTarget() == null
                    ? retention.keepLastPerTarget()
                    : raw.retention().keepLastPerTarget();
            if (days < 1 || keep < 0) {
                problem = file + ": retention.days must be 1 or more and retention.keep_last_per_target 0 or more"
                        + " (got " + days + " and " + keep + ")";
            } else {
                retention = new RetentionPolicy(days, keep);
            }
        }
        return new Settings(
                raw.vmConfigRoots() == null
                        ? List.of()
                        : raw.vmConfigRoots().stream().map(p -> expand(p, home)).toList(),
                raw.sshConfig() == null ? null : expand(raw.sshConfig(), home),
                raw.logPresets() == null ? Map.of() : Map.copyOf(raw.logPresets()),
                raw.interactive() == null ? Map.of() : Map.copyOf(raw.interactive()),
                retention,
                raw.audit(),
                problem);
    }

    /** Whether config.yml marks this target of this project as interactive. */
    public boolean isInteractive(String project, String target) {
        List<String> targets = interactive.get(project);
        return targets != null && targets.contains(target);
    }

    public static Path expand(String path, Path home) {
        if (path.equals("~")) {
            return home;
        }
        return path.startsWith("~/") ? home.resolve(path.substring(2)) : Path.of(path);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
