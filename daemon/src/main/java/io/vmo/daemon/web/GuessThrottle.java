package io.vmo.daemon.web;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.AttributeKey;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Slows down guessing of the daemon's secrets — the token, session cookies, login links. Each wrong one counts
 * against the address it came from; the first {@link #FREE} in a row are answered at once, each later one only
 * after a delay that doubles from {@link #FIRST_DELAY} up to {@link #MAX_DELAY}. An address's count is forgotten
 * after {@link #FORGET_AFTER} without a failure.
 * <p>Only failures wait, and a correct secret is never looked up here: it is answered at once whatever its
 * address. That is the answer to "never slow a correct token from another client": on loopback (and behind a NAT)
 * every client has the same address, so the address cannot tell the guesser from the user; what tells them apart
 * is that the user has the secret. A correct token is not even counted as a success: a success from the same
 * address does not reset the guesser's count.
 * <p>A held-back answer is scheduled on the connection's event loop, never slept. Meanwhile that connection reads
 * nothing more (not even its close), and the late answer closes it: a connection carries one guess at a time and
 * stays open while it is held back. A guesser that does not wait for the answer (a correct secret would have been
 * answered at once) must open a new connection for each further guess, so its rate is bounded by how many
 * connections one peer may hold open (the server's per-peer cap) divided by the delay; the delay alone bounds a
 * client that waits for its answers, as scripts do.
 */
final class GuessThrottle {

    static final int FREE = 5;
    static final Duration FIRST_DELAY = Duration.ofMillis(250);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);
    /** Addresses tracked at most; beyond, those quiet longest are forgotten first. */
    static final int MAX_SOURCES = 4096;

    private static final AttributeKey<Boolean> HELD = AttributeKey.valueOf(GuessThrottle.class, "held");

    /** An address's failures in a row, and when the last was. */
    private record Streak(int failures, Instant last) {}

    private final Clock clock;
    private final RefusalLog refusals;
    private final ConcurrentHashMap<InetAddress, Streak> streaks = new ConcurrentHashMap<>();

    GuessThrottle(Clock clock, RefusalLog refusals) {
        this.clock = clock;
        this.refusals = refusals;
    }

    /**
     * Answers a wrong secret: records it, then runs {@code answer} with the record — at once for the first few
     * from its address, later after the record's delay, on the connection's event loop. When delayed, the
     * answer must say {@code Retry-After} and close the connection ({@link HttpResponses#held}). The request
     * stays readable until {@code answer} has run.
     */
    void refuse(ChannelHandlerContext ctx, FullHttpRequest request, Refusal.Reason reason, Consumer<Refusal> answer) {
        Channel channel = ctx.channel();
        int failures = fail(RefusalLog.peer(channel));
        Refusal refusal = refusals.record(channel, request, reason, failures, delay(failures));
        if (refusal.delayed().isZero()) {
            answer.accept(refusal);
            return;
        }
        channel.attr(HELD).set(Boolean.TRUE);
        channel.config().setAutoRead(false);
        request.retain();
        ctx.executor()
                .schedule(
                        () -> {
                            try {
                                answer.accept(refusal);
                            } finally {
                                request.release();
                            }
                        },
                        refusal.delayed().toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    /** What a held-back answer adds to its message, so that the client knows why it waited. */
    static String note(Refusal refusal) {
        return refusal.delayed().isZero()
                ? ""
                : " (" + refusal.failures() + " wrong secrets in a row from "
                        + refusal.peer().getHostAddress() + ": each further one is answered after a growing delay, now "
                        + refusal.delayed().toMillis() + " ms; a correct one is answered at once)";
    }

    /** Whether a connection awaits a held-back answer: what else it sent (pipelined) is dropped with it. */
    static boolean isHeld(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(HELD).get());
    }

    /** Counts one more failure from this peer's address: how many in a row now. */
    int fail(InetAddress peer) {
        Instant now = clock.instant();
        InetAddress source = source(peer);
        if (streaks.size() >= MAX_SOURCES && !streaks.containsKey(source)) {
            forgetQuiet(now);
        }
        return streaks.compute(
                        source,
                        (key, streak) -> streak == null || forgotten(streak, now)
                                ? new Streak(1, now)
                                : new Streak(streak.failures() + 1, now))
                .failures();
    }

    /** How long the answer to the n-th failure in a row waits. */
    static Duration delay(int failures) {
        if (failures <= FREE) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - FREE - 1, 30);
        Duration delay = FIRST_DELAY.multipliedBy(1L << doublings);
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /**
     * What counts as one guesser: an IPv4 address, or an IPv6 address's /64 (one host or household gets a whole
     * /64, so counting single IPv6 addresses would let it guess 2^64 times as fast).
     */
    static InetAddress source(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    private void forgetQuiet(Instant now) {
        streaks.values().removeIf(streak -> forgotten(streak, now));
        if (streaks.size() >= MAX_SOURCES) { // all recent: drop the quietest half rather than grow
            streaks.values().stream()
                    .map(Streak::last)
                    .sorted()
                    .skip(MAX_SOURCES / 2)
                    .findFirst()
                    .ifPresent(cut ->
                            streaks.values().removeIf(streak -> streak.last().isBefore(cut)));
        }
    }

    private static boolean forgotten(Streak streak, Instant now) {
        return streak.last().plus(FORGET_AFTER).isBefore(now);
    }
}
