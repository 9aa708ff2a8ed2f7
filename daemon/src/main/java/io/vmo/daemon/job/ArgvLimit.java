package io.vmo.daemon.job;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How much text a client may hand a program as its arguments, checked before anything starts, so that a job whose
 * arguments the system would refuse is refused as a request — the same way whether it would run in a terminal or
 * not — instead of failing to start, or starting and failing. Linux takes at most 128 KiB per argument or
 * environment string; what a client sends is copied and escaped on its way (make hands every variable to each
 * recipe again in {@code MAKEFLAGS} with {@code $} doubled twice over; a remote shell gets the whole command as one
 * quoted string), to at most four times its size. 16 KiB stays well inside that.
 */
final class ArgvLimit {

    static final int MAX_BYTES = 16 * 1024;

    private ArgvLimit() {}

    /** Refuses {@code parts} (described as {@code what}, e.g. "the target and its arguments") over the limit. */
    static void check(String what, List<String> parts) {
        long bytes = 0;
        for (String part : parts) {
            bytes += part.getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_BYTES) {
            throw new VmoException(
                    ErrorCode.INVALID_ARGUMENT,
                    what + " are " + bytes + " bytes (UTF-8) together;" + " vmo passes at most " + MAX_BYTES
                            + " to a program: put larger data in a file the job reads");
        }
    }
}
