package io.vmo.daemon.service;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the daemon is doing (sd_notify): {@code READY=1} once it serves, {@code STOPPING=1} when it
 * begins to shut down, so that a {@code Type=notify} unit (what {@code vmo service install} writes) is "active" only
 * when clients can connect. systemd names an AF_UNIX datagram socket in {@code NOTIFY_SOCKET} (a leading {@code @}:
 * Linux's abstract namespace); the JDK's channels cannot send a datagram on a unix socket, so libc's socket and
 * sendto, through JNA. Without NOTIFY_SOCKET (a terminal, launchd, tests) it does nothing.
 */
public final class ServiceNotifier {

    private static final Logger log = LoggerFactory.getLogger(ServiceNotifier.class);

    // Linux's values; NOTIFY_SOCKET is systemd's, which is Linux's alone.
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SUN_PATH_MAX = 108;

    /** The parts of libc this needs (public: JNA implements it). */
    public interface LibC extends Library {
        int socket(int domain, int type, int protocol);

        NativeLong sendto(int fd, byte[] buffer, NativeLong length, int flags, byte[] address, int addressLength);

        int close(int fd);
    }

    private final String socket;

    private ServiceNotifier(String socket) {
        this.socket = socket;
    }

    /** The notifier of this environment's NOTIFY_SOCKET (none set: one that does nothing). */
    public static ServiceNotifier from(Map<String, String> env) {
        String socket = env.get("NOTIFY_SOCKET");
        return new ServiceNotifier(socket == null || socket.isEmpty() ? null : socket);
    }

    /** The daemon accepts connections. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status.replace('\n', ' '));
    }

    /** The daemon is shutting down. */
    public void stopping() {
        send("STOPPING=1");
    }

    private void send(String state) {
        if (socket == null) {
            return;
        }
        byte[] address;
        try {
            address = address(socket);
        } catch (IllegalArgumentException e) {
            log.warn("cannot notify systemd: {}", e.getMessage());
            return;
        }
        LibC libc;
        try {
            libc = Native.load("c", LibC.class);
        } catch (LinkageError e) {
            log.warn("cannot notify systemd: {}", e.toString());
            return;
        }
        int fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            log.warn("cannot notify systemd: socket() failed, errno {}", Native.getLastError());
            return;
        }
        try {
            byte[] message = state.getBytes(StandardCharsets.UTF_8);
            long sent = libc.sendto(fd, message, new NativeLong(message.length), 0, address, address.length)
                    .longValue();
            if (sent < 0) {
                log.warn("cannot notify systemd at {}: sendto() failed, errno {}", socket, Native.getLastError());
            }
        } finally {
            libc.close(fd);
        }
    }

    /**
     * The {@code struct sockaddr_un} of Linux for this NOTIFY_SOCKET: the family (a native-endian short), then the
     * path with its terminating NUL, or for an abstract name a NUL and the name, whose length alone delimits it.
     */
    static byte[] address(String socket) {
        boolean abstractName = socket.startsWith("@");
        if (!abstractName && !socket.startsWith("/")) {
            throw new IllegalArgumentException("NOTIFY_SOCKET \"" + socket + "\" is neither a path nor @abstract");
        }
        byte[] name = socket.getBytes(StandardCharsets.UTF_8);
        if (abstractName) {
            name[0] = 0;
        }
        int pathLength = abstractName ? name.length : name.length + 1;
        if (pathLength > SUN_PATH_MAX) {
            throw new IllegalArgumentException("NOTIFY_SOCKET \"" + socket + "\" is longer than a unix socket's path");
        }
        byte[] address = new byte[2 + pathLength];
        boolean little = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
        address[little ? 0 : 1] = AF_UNIX;
        System.arraycopy(name, 0, address, 2, name.length);
        return address;
    }
}
