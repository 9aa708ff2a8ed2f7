package io.vmo.daemon.audit;

/**
 * One action for the audit trail; the trail adds when it happened (at {@link AuditTrail#record}) and its place in
 * the chain.
 *
 * @param action what, dotted: {@code job.execute}, {@code job.cancel}, {@code job.attach}, {@code job.input},
 *     {@code login}, {@code login-link.create}, {@code access} (a request refused at the door), …
 * @param user who, or null when nobody is known yet (a wrong token)
 * @param client {@code cli}, {@code web} or {@code rest}; null when unknown
 * @param peer the client's address
 * @param subject what it was done to (a job id, a request's method and path), or null
 * @param outcome {@link #OK}, {@link #REFUSED} or {@link #FAILED}
 * @param detail what else is worth knowing, or null; never typed text or a secret
 */
public record AuditEntry(
        String action, String user, String client, String peer, String subject, String outcome, String detail) {

    public static final String OK = "ok";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";

    /** At most this many characters of any field are kept: a client cannot fill the trail with one row. */
    static final int MAX_FIELD = 1000;

    public AuditEntry {
        if (action == null || action.isBlank()) {
            throw new IllegalArgumentException("an audit entry needs an action");
        }
        if (!OK.equals(outcome) && !REFUSED.equals(outcome) && !FAILED.equals(outcome)) {
            throw new IllegalArgumentException("audit outcome must be ok, refused or failed, not " + outcome);
        }
        action = clip(action);
        user = clip(user);
        client = clip(client);
        peer = clip(peer);
        subject = clip(subject);
        detail = clip(detail);
    }

    private static String clip(String value) {
        return value == null || value.length() <= MAX_FIELD ? value : value.substring(0, MAX_FIELD) + "…";
    }
}
