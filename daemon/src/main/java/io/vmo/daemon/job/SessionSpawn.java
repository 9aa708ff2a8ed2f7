package io.vmo.daemon.job;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a program in a session and process group of its own, the way the C library does it everywhere:
 * {@code posix_spawnp} with {@code POSIX_SPAWN_SETSID} (glibc 2.26+, macOS 10.15+), through JNA. The JDK's process
 * API cannot (its child is never a group leader), and the {@code setsid} program that did it for us is util-linux's:
 * macOS has none. Its output comes back on pipes, its exit by {@code waitpid} on a thread of its own. The child
 * gets stdin from /dev/null, the two pipes, and no other descriptor of the daemon's.
 */
final class SessionSpawn {

    /** A started process: its pid (also its session and group id), its output, and how to wait for its end. */
    record Spawned(long pid, InputStream stdout, InputStream stderr, Waiter waiter) {}

    /** Blocks until the process has ended; its status as {@code waitpid} gives it. */
    @FunctionalInterface
    interface Waiter {
        int await() throws IOException;
    }

    private interface LibC extends Library {
        int posix_spawnp(
                IntByReference pid, String file, Pointer fileActions, Pointer attr, StringArray argv, StringArray envp);

        int posix_spawn_file_actions_init(Pointer actions);

        int posix_spawn_file_actions_destroy(Pointer actions);

        int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

        int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

        int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

        /** glibc 2.34+; macOS has POSIX_SPAWN_CLOEXEC_DEFAULT instead. */
        int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        int posix_spawnattr_init(Pointer attr);

        int posix_spawnattr_destroy(Pointer attr);

        int posix_spawnattr_setflags(Pointer attr, short flags);

        int pipe(int[] fds);

        int fcntl(int fd, int command, int argument);

        int close(int fd);

        int waitpid(int pid, IntByReference status, int options);

        String strerror(int errno);
    }

    /** glibc's and Apple's values of the flag. */
    private static final short POSIX_SPAWN_SETSID = (short) (Platform.isMac() ? 0x400 : 0x80);
    /** Apple's: the child gets only the descriptors the file actions name. */
    private static final short POSIX_SPAWN_CLOEXEC_DEFAULT = 0x4000;

    private static final int O_RDONLY = 0;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    private static final int EINTR = 4;
    private static final int EINVAL = 22;
    /** Larger than either C library's posix_spawn_file_actions_t and posix_spawnattr_t (80 and 336 bytes on glibc). */
    private static final int OPAQUE_BYTES = 1024;

    private final LibC libc;

    SessionSpawn() {
        this.libc = Native.load(Platform.C_LIBRARY_NAME, LibC.class);
    }

    /** Runs {@code argv} (looked up on the daemon's PATH) in {@code dir} with exactly {@code env}, stdin /dev/null. */
    Spawned start(List<String> argv, Path dir, Map<String, String> env) throws IOException {
        int[] out = pipe();
        int[] err;
        try {
            err = pipe();
        } catch (IOException e) {
            closeAll(out);
            throw e;
        }
        Memory actions = new Memory(OPAQUE_BYTES);
        Memory attr = new Memory(OPAQUE_BYTES);
        actions.clear();
        attr.clear();
        IntByReference pid = new IntByReference();
        int error;
        check(libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
        try {
            check(libc.posix_spawnattr_init(attr), "posix_spawnattr_init");
            try {
                short flags = Platform.isMac()
                        ? (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_CLOEXEC_DEFAULT)
                        : POSIX_SPAWN_SETSID;
                check(libc.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags");
                check(
                        libc.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0),
                        "posix_spawn_file_actions_addopen");
                check(libc.posix_spawn_file_actions_adddup2(actions, out[1], 1), "posix_spawn_file_actions_adddup2");
                check(libc.posix_spawn_file_actions_adddup2(actions, err[1], 2), "posix_spawn_file_actions_adddup2");
                if (!Platform.isMac()) {
                    // Nothing of the daemon's reaches the job: the JDK's own spawn closes every other descriptor
                    // in the child, and without this a job's processes held the daemon's PostgreSQL connections
                    // (and its database lock) after the daemon was killed, so it could not start again (OrphanIT).
                    check(
                            libc.posix_spawn_file_actions_addclosefrom_np(actions, 3),
                            "posix_spawn_file_actions_addclosefrom_np");
                }
                check(
                        libc.posix_spawn_file_actions_addchdir_np(actions, dir.toString()),
                        "posix_spawn_file_actions_addchdir_np");
                String[] environment = env.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new);
                error = libc.posix_spawnp(
                        pid,
                        argv.getFirst(),
                        actions,
                        attr,
                        new StringArray(argv.toArray(String[]::new)),
                        new StringArray(environment));
            } finally {
                libc.posix_spawnattr_destroy(attr);
            }
        } catch (IOException e) {
            closeAll(out);
            closeAll(err);
            throw e;
        } finally {
            libc.posix_spawn_file_actions_destroy(actions);
        }
        libc.close(out[1]); // the child holds the write ends now: EOF comes when it and its children are done
        libc.close(err[1]);
        if (error != 0) {
            closeAll(out[0], err[0]);
            throw new IOException(
                    error == EINVAL
                            ? "this C library cannot start a session (POSIX_SPAWN_SETSID needs glibc 2.26+ or macOS 10.15+)"
                            : "cannot run " + argv.getFirst() + ": " + strerror(error));
        }
        int child = pid.getValue();
        return new Spawned(child, reader(out[0]), reader(err[0]), () -> awaitExit(child));
    }

    /** The process's {@code waitpid} status once it has ended (reaping it). */
    private int awaitExit(int pid) throws IOException {
        IntByReference status = new IntByReference();
        while (libc.waitpid(pid, status, 0) < 0) {
            int errno = Native.getLastError();
            if (errno != EINTR) {
                throw new IOException("cannot wait for process " + pid + ": " + strerror(errno));
            }
        }
        return status.getValue();
    }

    /** Exit code from a {@code waitpid} status: its own, or 128 + the signal that ended it (as the JDK reports). */
    static int exitCode(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    /** A pipe whose ends no other child inherits (pipe2 is Linux's only: the flag is set at once instead). */
    private int[] pipe() throws IOException {
        int[] fds = new int[2];
        if (libc.pipe(fds) != 0) {
            throw new IOException("cannot create a pipe: " + strerror(Native.getLastError()));
        }
        libc.fcntl(fds[0], F_SETFD, FD_CLOEXEC);
        libc.fcntl(fds[1], F_SETFD, FD_CLOEXEC);
        return fds;
    }

    /** The read end as a stream of the JDK's own, through /dev/fd (Linux and macOS alike); the fd itself is closed. */
    private InputStream reader(int fd) throws IOException {
        try {
            return new FileInputStream("/dev/fd/" + fd);
        } finally {
            libc.close(fd);
        }
    }

    private void closeAll(int... fds) {
        for (int fd : fds) {
            libc.close(fd);
        }
    }

    private void check(int result, String call) throws IOException {
        if (result != 0) {
            throw new IOException(call + " failed: " + strerror(result));
        }
    }

    private String strerror(int errno) {
        return libc.strerror(errno) + (errno == 2 ? " (is it on the daemon's PATH?)" : "");
    }
}
