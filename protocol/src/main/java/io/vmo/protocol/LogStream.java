package io.vmo.protocol;

/**
 * Where a chunk of output came from. {@code system} lines are vmo's own notes about the job; {@code pty} is an
 * interactive job's terminal output; {@code input} marks (with an empty chunk) that someone typed into it — what
 * was typed is never recorded.
 */
public enum LogStream implements WireName {
    STDOUT(1),
    STDERR(2),
    SYSTEM(3),
    PTY(4),
    INPUT(5);

    /** The stream's byte in a binary {@link LogFrame}: fixed, unlike the enum's ordinal. */
    final byte code;

    LogStream(int code) {
        this.code = (byte) code;
    }

    static LogStream fromCode(byte code) {
        for (LogStream stream : values()) {
            if (stream.code == code) {
                return stream;
            }
        }
        throw new VmoException(
                ErrorCode.BAD_REQUEST,
                "a binary job:log frame names stream " + code + ", which this" + " vmo does not know; update vmo");
    }

    @Override
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static LogStream fromWire(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
