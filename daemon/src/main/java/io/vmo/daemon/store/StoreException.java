package io.vmo.daemon.store;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.VmoException;

/** The daemon's database cannot be reached or used; the message says what failed and what the user can do. */
public class StoreException extends VmoException {

    public StoreException(String message) {
        super(ErrorCode.STORE_UNAVAILABLE, message);
    }

    public StoreException(String message, Throwable cause) {
        super(ErrorCode.STORE_UNAVAILABLE, message, cause);
    }
}
