package io.vmo.protocol;

import java.util.List;

/** Checks shared by the message records' constructors, so a bad message names the field it lacks. */
final class Fields {

    private Fields() {}

    static void required(String value, String field, String type) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(type + ": \"" + field + "\" is required");
        }
    }

    static List<String> list(List<String> values, String field, String type) {
        if (values == null) {
            return List.of();
        }
        if (values.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException(type + ": \"" + field + "\" must not contain null");
        }
        return List.copyOf(values);
    }

    /** A terminal size: both or neither, each 1 to 10000. */
    static void size(Integer cols, Integer rows, String type) {
        if ((cols == null) != (rows == null)) {
            throw new IllegalArgumentException(type + ": give both \"cols\" and \"rows\", or neither");
        }
        if (cols != null && (cols < 1 || rows < 1 || cols > 10_000 || rows > 10_000)) {
            throw new IllegalArgumentException(type + ": \"cols\" and \"rows\" must be between 1 and 10000");
        }
    }
}
