package io.vmo.daemon.web;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vmo.daemon.audit.AuditEntry;
import io.vmo.daemon.audit.AuditTrail;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where refusals go — of requests ({@link RequestGuard}) and of connections ({@link PeerConnections},
 * {@link HttpDeadlines}, {@link Liveness}, {@link ConnectionErrors}): each is logged on one line, but at most {@link #LINES_PER_PERIOD} per source (an address, or
 * an IPv6 /64: {@link GuessThrottle#source}) in a {@link #PERIOD} — the rest of that period is summed up in one
 * line at its end — so no client can flood the log;
 * and the latest {@link #KEPT} are kept in memory, as records an audit log can store. Never waits: the lock only
 * guards counters, and the summary is written by a scheduled task.
 */
final class RefusalLog {

    static final int LINES_PER_PERIOD = 3;
    static final Duration PERIOD = Duration.ofSeconds(10);
    static final int KEPT = 256;

    private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);

    /** One source's refusals in the current period: how many were logged, and what was not. */
    private static final class Tally {
        int logged;
        final Map<Refusal.Reason, Integer> unlogged = new EnumMap<>(Refusal.Reason.class);
        Refusal last;
    }

    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final AuditTrail audit;
    private final ArrayDeque<Refusal> recent = new ArrayDeque<>(); // guarded by this
    private final Map<InetAddress, Tally> periods = new HashMap<>(); // by source; guarded by this

    /** {@code scheduler} runs the end of each period (the daemon's event loops: the task is short). */
    /** Refusals that go to the log only (unit tests). */
    RefusalLog(Clock clock, ScheduledExecutorService scheduler) {
        this(clock, scheduler, AuditTrail.NONE);
    }

    RefusalLog(Clock clock, ScheduledExecutorService scheduler, AuditTrail audit) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.audit = audit;
    }

    /** Records the refusal of a request on this connection; returns the record. */
    Refusal record(Channel channel, FullHttpRequest request, Refusal.Reason reason, int failures, Duration delayed) {
        return record(channel, request, reason, failures, delayed, null);
    }

    /** Records the refusal of a request made with a known user's credential (a revoked user's token). */
    Refusal record(
            Channel channel,
            FullHttpRequest request,
            Refusal.Reason reason,
            int failures,
            Duration delayed,
            String user) {
        Refusal refusal = new Refusal(
                clock.instant(),
                peer(channel),
                request.method() + " " + new QueryStringDecoder(request.uri()).rawPath(),
                reason,
                failures,
                delayed,
                "",
                user);
        record(refusal);
        return refusal;
    }

    /**
     * Records the refusal, or the closing, of a connection for what it did rather than for a request it made:
     * {@code what} of it ("a connection", "a WebSocket frame"…), and {@code detail} beyond the reason, or "".
     */
    void record(Channel channel, String what, Refusal.Reason reason, String detail) {
        record(new Refusal(clock.instant(), peer(channel), what, reason, 0, Duration.ZERO, detail, null));
    }

    /** The address a connection comes from. */
    static InetAddress peer(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress address
                ? address.getAddress()
                : InetAddress.getLoopbackAddress();
    }

    void record(Refusal refusal) {
        InetAddress source = GuessThrottle.source(refusal.peer());
        boolean newPeriod;
        boolean logIt;
        synchronized (this) {
            recent.addLast(refusal);
            if (recent.size() > KEPT) {
                recent.removeFirst();
            }
            Tally tally = periods.get(source);
            newPeriod = tally == null;
            if (newPeriod) {
                tally = new Tally();
                periods.put(source, tally);
            }
            logIt = tally.logged < LINES_PER_PERIOD;
            if (logIt) {
                tally.logged++;
            } else {
                tally.unlogged.merge(refusal.reason(), 1, Integer::sum);
                tally.last = refusal;
            }
        }
        if (newPeriod) {
            scheduler.schedule(() -> endPeriod(source), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (logIt) {
            log.warn(refusal.line());
            audit(refusal.peer(), refusal.user(), refusal.request(), refusal.reason(), refusal.auditDetail());
        }
    }

    /**
     * A refusal the client was answered with goes to the audit trail too, as an {@code access} row; a connection
     * closed for what it did (a silent peer, a malformed frame) does not: that is no attempt to do anything. The
     * audit trail gets what the log gets — each refusal while an address makes at most {@link #LINES_PER_PERIOD}
     * in a {@link #PERIOD}, then one row for the rest — so no client can flood it either.
     */
    private void audit(InetAddress peer, String user, String request, Refusal.Reason reason, String detail) {
        if (reason.code() != null) {
            audit.record(
                    new AuditEntry("access", user, null, peer.getHostAddress(), request, AuditEntry.REFUSED, detail));
        }
    }

    /** The latest refusals, oldest first. */
    synchronized List<Refusal> recent() {
        return List.copyOf(recent);
    }

    private void endPeriod(InetAddress source) {
        Tally tally;
        synchronized (this) {
            tally = periods.remove(source);
        }
        if (tally == null || tally.unlogged.isEmpty()) {
            return;
        }
        int count = tally.unlogged.values().stream().mapToInt(Integer::intValue).sum();
        String from = source.getHostAddress() + (source instanceof Inet6Address ? "/64" : "");
        String reasons = tally.unlogged.entrySet().stream()
                .map(e -> e.getValue() + " x " + e.getKey())
                .collect(Collectors.joining(", "));
        audit(
                tally.last.peer(),
                tally.last.user(),
                tally.last.request(),
                tally.last.reason(),
                count + " more refused from " + from + " in " + PERIOD.toSeconds() + " s: " + reasons);
        log.warn(
                "refused {} more request(s) from {} in the last {} s: {}; the last: {}",
                count,
                from,
                PERIOD.toSeconds(),
                reasons,
                tally.last.line());
    }
}
