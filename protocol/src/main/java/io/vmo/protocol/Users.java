package io.vmo.protocol;

import java.util.regex.Pattern;

/** What a user's name may be: checked where a client sends one and where the daemon stores one. */
public final class Users {

    /** The token file's holder: an admin no command adds or revokes. */
    public static final String OWNER = "owner";

    /**
     * 1 to 32 characters: lower-case ASCII letters, digits, {@code .}, {@code _} and {@code -}, starting with a
     * letter. Safe in a table column, a log line and a URL, and unambiguous to type.
     */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._-]{0,31}");

    /** The rule, for messages. */
    public static final String NAME_RULE =
            "1 to 32 characters: lower-case letters a-z, digits, '.', '_' and '-'," + " starting with a letter";

    private Users() {}

    static void checkName(String name, String type) {
        Fields.required(name, "name", type);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    type + ": user name \"" + name + "\" is not allowed; a name is " + NAME_RULE);
        }
    }
}
