package io.vmo.daemon;

import java.time.Duration;

/**
 * What the prune keeps ({@code retention:} in config.yml): every job that ended less than {@code days} ago, the last
 * {@code keepLastPerTarget} runs of each target whatever their age, and every running job.
 */
public record RetentionPolicy(int days, int keepLastPerTarget) {

    public static final RetentionPolicy DEFAULT = new RetentionPolicy(30, 5);

    public Duration maxAge() {
        return Duration.ofDays(days);
    }

    /** "30 days, and the last 5 runs of each target" */
    public String describe() {
        return days + (days == 1 ? " day" : " days") + ", and the last " + keepLastPerTarget + " run"
                + (keepLastPerTarget == 1 ? "" : "s") + " of each target";
    }
}
