package io.vmo.daemon.web;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vmo.daemon.access.Caller;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open WebSockets and whose they are, so that revoking a user closes its connections at once: a revoked viewer
 * following a job would otherwise go on receiving its output, since following sends no request to refuse.
 */
final class OpenSockets {

    private final Map<Channel, Caller> open = new ConcurrentHashMap<>();

    void opened(Channel channel, Caller caller) {
        open.put(channel, caller);
    }

    void closed(Channel channel) {
        open.remove(channel);
    }

    /** Closes every WebSocket of this user (1008, saying why); returns how many. */
    int closeAllOf(String user) {
        int closed = 0;
        for (var socket : open.entrySet()) {
            if (socket.getValue().user().equals(user)) {
                Channel channel = socket.getKey();
                channel.writeAndFlush(new CloseWebSocketFrame(
                                WebSocketCloseStatus.POLICY_VIOLATION, "user " + user + " was revoked"))
                        .addListener(done -> channel.close());
                closed++;
            }
        }
        return closed;
    }
}
