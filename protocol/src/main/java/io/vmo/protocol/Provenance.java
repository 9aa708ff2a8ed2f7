package io.vmo.protocol;

/**
 * Who asked for a job and from where. {@code user} (who signed in: {@code owner} for the token file's holder) and
 * {@code peer} (the client's address as the daemon saw it) are the daemon's own knowledge; {@code client}
 * ({@code cli}, {@code web} or {@code rest}), {@code clientVersion}, and for the CLI {@code osUser} and
 * {@code osHost}, are what the client says of itself. Any may be null: jobs from before users existed have only
 * {@code user}.
 */
public record Provenance(String user, String client, String clientVersion, String peer, String osUser, String osHost) {

    /** Jobs recorded before provenance was: all of them were the token holder's. */
    public static final Provenance UNKNOWN = new Provenance("owner", null, null, null, null, null);
}
