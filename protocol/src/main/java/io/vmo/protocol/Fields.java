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
}
