package io.vmo.daemon.web;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Who made a request, as the audit trail records it: the user, through which client ({@code cli}: a WebSocket with
 * the bearer token; {@code web}: a browser session; {@code rest}: the REST API with the token), from which address.
 * {@link RequestGuard} sets it on the connection when it lets a request through.
 */
record Caller(String user, String client, String peer) {

    static final String CLI = "cli";
    static final String WEB = "web";
    static final String REST = "rest";

    /** The token file's holder. TODO(issue 15 merge): the users part names the real user and role here. */
    static final String OWNER = "owner";

    private static final AttributeKey<Caller> KEY = AttributeKey.valueOf(Caller.class, "caller");

    /** Marks the connection's requests as the token holder's, through a browser or else by kind of route. */
    static void admit(Channel channel, boolean browser, boolean webSocket) {
        channel.attr(KEY).set(new Caller(OWNER, browser ? WEB : webSocket ? CLI : REST, peer(channel)));
    }

    /** Who the guard let in on this connection; an unknown caller from its address if nobody was. */
    static Caller of(Channel channel) {
        Caller caller = channel.attr(KEY).get();
        return caller != null ? caller : new Caller(null, null, peer(channel));
    }

    static String peer(Channel channel) {
        return RefusalLog.peer(channel).getHostAddress();
    }
}
