package io.vmo.daemon.store;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's umask, for code of others that creates a file with it and offers no way to give a mode. It is
 * process-wide, so it is tightened only around such a call, at start-up, while nothing else creates files; jobs
 * are started later and get the user's own umask.
 */
final class Umask {

    private static final Logger log = LoggerFactory.getLogger(Umask.class);
    private static final int OWNER_ONLY = 0077;

    private interface LibC extends Library {
        int umask(int mask);
    }

    private Umask() {}

    static void ownerOnlyWhile(Runnable action) {
        LibC libc;
        try {
            libc = Native.load(Platform.C_LIBRARY_NAME, LibC.class);
        } catch (LinkageError e) { // no JNA for this platform: the user's umask it is
            log.warn(
                    "cannot set the umask ({}); what this start-up step creates follows the daemon's umask",
                    e.toString());
            action.run();
            return;
        }
        int previous = libc.umask(OWNER_ONLY);
        try {
            action.run();
        } finally {
            libc.umask(previous);
        }
    }
}
