package io.vmo.daemon.access;

import io.vmo.protocol.Provenance;
import io.vmo.protocol.Role;
import io.vmo.protocol.Users;

/**
 * Who is asking, resolved once per connection (a WebSocket) or per request (REST) at the door and handed down with
 * every request. {@code user} and {@code role} come from the credential, {@code peer} from the connection; the
 * rest is what the client says of itself (null when it says nothing).
 *
 * @param user the user the credential belongs to ({@link Users#OWNER} for the token file's)
 * @param role what that user may do
 * @param kind the client kind
 * @param clientVersion the client's version (the CLI's, the daemon's own for the web UI it serves, a REST
 *     client's User-Agent)
 * @param peer the client's address
 * @param osUser the OS user the CLI runs as
 * @param osHost the host the CLI runs on
 */
public record Caller(
        String user, Role role, ClientKind kind, String clientVersion, String peer, String osUser, String osHost) {

    /** The token file's holder, from nowhere in particular (the daemon's own start-up link, tests). */
    public static Caller owner(ClientKind kind, String peer) {
        return new Caller(Users.OWNER, Role.ADMIN, kind, null, peer, null, null);
    }

    /** What a job this caller starts records of it. */
    public Provenance provenance() {
        return new Provenance(user, kind.wireName(), clientVersion, peer, osUser, osHost);
    }

    public boolean isOwner() {
        return Users.OWNER.equals(user);
    }
}
