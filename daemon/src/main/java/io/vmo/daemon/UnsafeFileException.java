package io.vmo.daemon;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;

/**
 * The daemon will not start on a file others could read or change (its token); the message names the file and
 * what to do about it.
 */
public final class UnsafeFileException extends VmoException {

    public UnsafeFileException(String message) {
        super(ErrorCode.FORBIDDEN, message);
    }
}
