package io.vmo.protocol;

/**
 * One line of {@code vmo doctor}: what was checked ({@code name}), how it stands, what was found ({@code detail}),
 * and, unless all is well, what to do ({@code advice}, else null).
 */
public record Check(String name, Status status, String detail, String advice) {

    public enum Status implements WireName {
        OK,
        /** Works, but something will bite later (a missing known_hosts, little disk left). */
        WARN,
        /** Does not work. */
        FAIL;

        @Override
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Check ok(String name, String detail) {
        return new Check(name, Status.OK, detail, null);
    }

    public static Check warn(String name, String detail, String advice) {
        return new Check(name, Status.WARN, detail, advice);
    }

    public static Check fail(String name, String detail, String advice) {
        return new Check(name, Status.FAIL, detail, advice);
    }
}
