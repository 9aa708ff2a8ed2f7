package io.vmo.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * JSON encoding of {@link Message}s, and of the same records on the REST API and in the CLI's {@code --json}: the
 * one codec of the daemon and its clients. Thread-safe; instances share all their state, so they cost nothing.
 *
 * <p>Records are read and written by reflection over their components (each record's shape found once); JSON text
 * is read by {@link JsonReader} and written with jackson-core's streaming generator. It replaced Jackson databind, which cost every CLI command
 * ~75 ms to build its ObjectMapper and ~150-200 ms to build serializers on first use (~760 classes loaded), of
 * ~520 ms for a {@code vmo jobs} that the daemon answers in 10 ms.
 *
 * <p>The wire (docs/protocol.md; WireFormatTest pins it as databind wrote it): a message is an object of its
 * {@code "type"}, {@code "v":1}, then its components in declaration order, null ones left out ({@code job:log}
 * writes {@code "v"} last); any other record writes every component, null as {@code null}, unless it is
 * {@link NullsOmitted}.
 * Component types: String, int, long, boolean and their boxes, Instant (as {@link Instant#toString()}), enums that
 * are {@link WireName}, List, Map with text keys, records, and {@code byte[]} as UTF-8 text (only
 * {@code job:log}'s {@code data}, which is sent as {@code chunk}).
 *
 * <p>Reading is as lenient as databind's defaults were: unknown fields are ignored, a number or boolean may come
 * as text ({@code "limit":"5"}, as from a URL), blank text is no value, a fraction is cut to a whole number, a
 * text field takes a number or boolean as its text. A message is read into plain maps and lists first (its
 * {@code type} may come after other fields), then into its record; {@link #decode(Map)} starts from such a map.
 */
public final class Codec {

    /** A record outside {@link Message} whose null components are left out, like a message's. */
    public interface NullsOmitted {}

    private static final JsonFactory JSON = new JsonFactory();

    private static final Map<String, Class<? extends Message>> BY_TYPE = new HashMap<>();
    private static final Map<Class<?>, String> TYPE_OF = new HashMap<>();

    static {
        for (var entry : Message.TYPES) {
            BY_TYPE.put(entry.getKey(), entry.getValue());
            TYPE_OF.put(entry.getValue(), entry.getKey());
        }
    }

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return Shape.of(type);
        }
    };

    public String encode(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            write(json, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public byte[] encodeBytes(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            write(json, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Decodes one message, or throws a {@link VmoException} that says what was wrong with it. */
    public Message decode(String json) {
        return message(parse(json, "message"));
    }

    /**
     * Decodes a message given as its fields (what a REST route makes of a request's path, query and body), exactly
     * as the same fields sent as JSON: one validation, the same errors. Values may be text where a number is
     * expected ({@code "limit": "5"}), as they come from a URL.
     */
    public Message decode(Map<String, ?> fields) {
        return message(fields);
    }

    /**
     * Decodes a REST body or reply into a record type or {@code Map.class} (the JSON object as maps, lists, text,
     * numbers and booleans), with the same errors as {@link #decode(String)}; JSON {@code null} is null.
     */
    public <T> T decode(String json, Class<T> type) {
        Object tree = parse(json, "body");
        if (Message.class.isAssignableFrom(type)) {
            Message message = message(tree);
            if (!type.isInstance(message)) {
                throw new VmoException(
                        ErrorCode.BAD_REQUEST,
                        "expected " + TYPE_OF.getOrDefault(type, type.getSimpleName()) + ", got "
                                + TYPE_OF.get(message.getClass()));
            }
            return type.cast(message);
        }
        try {
            return type.cast(read(tree, type));
        } catch (Mismatch e) {
            throw e.error("body");
        }
    }

    private static Message message(Object tree) {
        if (!(tree instanceof Map<?, ?> fields)) {
            throw new VmoException(
                    ErrorCode.BAD_JSON, "a message must be a JSON object like {\"v\":1,\"type\":\"list-jobs\"}");
        }
        if (fields.containsKey("v") && version(fields.get("v")) != Message.VERSION) {
            throw new VmoException(
                    ErrorCode.UNSUPPORTED_VERSION,
                    "protocol version " + show(fields.get("v")) + " is not supported; this daemon speaks \"v\":"
                            + Message.VERSION);
        }
        if (!(fields.get("type") instanceof String name)) {
            throw new VmoException(ErrorCode.BAD_REQUEST, "message has no \"type\"; expected one of " + knownTypes());
        }
        Class<? extends Message> type = BY_TYPE.get(name);
        if (type == null) {
            throw new VmoException(
                    ErrorCode.UNKNOWN_TYPE, "unknown message type \"" + name + "\"; expected one of " + knownTypes());
        }
        try {
            return type.cast(record(type, fields));
        } catch (Mismatch e) {
            throw e.error(name);
        }
    }

    /** {@code "v"} as databind's {@code asInt} read it: a number, or text holding one. */
    private static int version(Object v) {
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return v instanceof String s ? Integer.parseInt(s.strip()) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The request types, for error messages: what a client may send. */
    private static String knownTypes() {
        return Message.TYPES.stream()
                .filter(t -> Request.class.isAssignableFrom(t.getValue()))
                .map(Map.Entry::getKey)
                .collect(Collectors.joining(", "));
    }

    // Reading: JSON text to plain values, then plain values to records.

    /** The JSON value as maps, lists, text, numbers and booleans; null for JSON null or no JSON at all. */
    private static Object parse(String json, String what) {
        try {
            return JsonReader.read(json);
        } catch (JsonReader.Malformed e) {
            throw new VmoException(ErrorCode.BAD_JSON, what + " is not valid JSON: " + e.getMessage());
        }
    }

    /** A plain value as a value of {@code type}; a {@link Mismatch} says what is wrong with it. */
    private static Object read(Object json, Type type) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (json instanceof String s && s.isBlank() && raw != String.class && raw != byte[].class) {
            json = null; // as databind read "" for a number, a boolean or an instant ("?limit=" means no limit)
        }
        if (raw == byte[].class) { // job:log's chunk: its UTF-8 bytes, none when missing (as JobLog(…, String, …))
            return json == null ? new byte[0] : text(json).getBytes(StandardCharsets.UTF_8);
        }
        if (json == null) {
            return raw == long.class ? 0L : raw == int.class ? 0 : raw == boolean.class ? false : null;
        }
        if (raw == String.class) {
            return text(json);
        } else if (raw == int.class || raw == Integer.class) {
            return (int) whole(json, Integer.MIN_VALUE, Integer.MAX_VALUE);
        } else if (raw == long.class || raw == Long.class) {
            return whole(json, Long.MIN_VALUE, Long.MAX_VALUE);
        } else if (raw == boolean.class || raw == Boolean.class) {
            return bool(json);
        } else if (raw == Instant.class) {
            try {
                return Instant.parse(text(json).strip());
            } catch (DateTimeParseException e) {
                throw new Mismatch("expected a time like \"2026-01-31T09:00:00Z\", got " + show(json));
            }
        } else if (raw.isEnum() && WireName.class.isAssignableFrom(raw)) {
            for (Object constant : raw.getEnumConstants()) {
                if (((WireName) constant).wireName().equals(json)) {
                    return constant;
                }
            }
            throw new Mismatch("expected one of "
                    + Arrays.stream(raw.getEnumConstants())
                            .map(c -> ((WireName) c).wireName())
                            .collect(Collectors.joining(", "))
                    + "; got " + show(json));
        } else if (raw == List.class && json instanceof List<?> items) {
            Type item = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<Object> list = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                try {
                    list.add(read(items.get(i), item));
                } catch (Mismatch e) {
                    throw e.at("[" + i + "]");
                }
            }
            return list;
        } else if (raw == Map.class && json instanceof Map<?, ?> fields) {
            if (!(type instanceof ParameterizedType p)) {
                return fields; // decode(json, Map.class): as parsed
            }
            Map<String, Object> map = new LinkedHashMap<>();
            for (var field : fields.entrySet()) {
                String name = String.valueOf(field.getKey());
                try {
                    map.put(name, read(field.getValue(), p.getActualTypeArguments()[1]));
                } catch (Mismatch e) {
                    throw e.at(name);
                }
            }
            return map;
        } else if (raw.isRecord() && json instanceof Map<?, ?> fields) {
            return record(raw, fields);
        } else if (raw == List.class || raw == Map.class || raw.isRecord()) {
            throw new Mismatch("expected " + (raw == List.class ? "a list" : "an object") + ", got " + show(json));
        }
        throw new IllegalArgumentException("the codec cannot read a " + type.getTypeName());
    }

    /** Builds a record from its fields by its canonical constructor, which validates them. */
    private static Object record(Class<?> type, Map<?, ?> fields) {
        Shape shape = SHAPES.get(type);
        Object[] values = new Object[shape.components.length];
        for (int i = 0; i < values.length; i++) {
            Component component = shape.components[i];
            try {
                values[i] = read(fields.get(component.name), component.type);
            } catch (Mismatch e) {
                throw e.at(component.name);
            }
        }
        try {
            return shape.constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            } else if (e.getCause() instanceof VmoException v) {
                throw v;
            } else if (e.getCause() instanceof IllegalArgumentException invalid) {
                // The records' own checks, which name the type and field: list-jobs: limit must be between…
                throw new VmoException(ErrorCode.BAD_REQUEST, invalid.getMessage());
            } else if (e.getCause() instanceof RuntimeException other) {
                throw new Mismatch(String.valueOf(other.getMessage()));
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(Object json) {
        if (json instanceof Map || json instanceof List) {
            throw new Mismatch("expected text, got " + show(json));
        }
        return json.toString(); // a number or boolean as its text, as databind took it
    }

    private static long whole(Object json, long min, long max) {
        long value;
        if (json instanceof Integer || json instanceof Long || json instanceof Short || json instanceof Byte) {
            value = ((Number) json).longValue();
        } else if (json instanceof BigInteger big && big.bitLength() < 64) {
            value = big.longValue();
        } else if (json instanceof Number other) { // a fraction, or beyond a long
            double d = other.doubleValue();
            if (!(d >= min && d <= max)) {
                throw new Mismatch(json + " is out of range");
            }
            value = (long) d; // 5.7 is 5, as databind read it
        } else if (json instanceof String s) {
            try {
                value = Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                throw new Mismatch("expected a number, got " + show(json));
            }
        } else {
            throw new Mismatch("expected a number, got " + show(json));
        }
        if (value < min || value > max) {
            throw new Mismatch(json + " is out of range");
        }
        return value;
    }

    private static boolean bool(Object json) {
        if (json instanceof Boolean b) {
            return b;
        } else if (json instanceof String s
                && (s.strip().equalsIgnoreCase("true") || s.strip().equalsIgnoreCase("false"))) {
            return s.strip().equalsIgnoreCase("true");
        } else if (json instanceof Integer || json instanceof Long) {
            return ((Number) json).longValue() != 0; // 1 and 0, as databind read them
        }
        throw new Mismatch("expected true or false, got " + show(json));
    }

    /** A plain value as an error message shows it. */
    private static String show(Object json) {
        if (json instanceof String s) {
            return "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        }
        return json instanceof Map ? "an object" : json instanceof List ? "a list" : String.valueOf(json);
    }

    /** A value that does not fit its field; the path to the field is added on the way out. */
    private static final class Mismatch extends RuntimeException {

        private String path = "";

        Mismatch(String why) {
            super(why, null, false, false);
        }

        Mismatch at(String name) {
            path = path.isEmpty() || path.startsWith("[") ? name + path : name + "." + path; // jobs[0].status
            return this;
        }

        /** malformed list-jobs: "limit": expected a number, got "x" */
        VmoException error(String what) {
            return new VmoException(
                    ErrorCode.BAD_REQUEST,
                    "malformed " + what + ": " + (path.isEmpty() ? "" : "\"" + path + "\": ") + getMessage());
        }
    }

    // Writing

    /** An if-chain, not a pattern switch: that is bootstrapped by invokedynamic on first use, start-up time. */
    private static void write(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof String s) {
            json.writeString(s);
        } else if (value instanceof Integer || value instanceof Long) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double d) {
            json.writeNumber(d);
        } else if (value instanceof Number n) {
            json.writeNumber(n.toString());
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof Instant t) {
            json.writeString(t.toString());
        } else if (value instanceof WireName w) {
            json.writeString(w.wireName());
        } else if (value instanceof byte[] bytes) {
            json.writeString(new String(bytes, StandardCharsets.UTF_8));
        } else if (value instanceof Collection<?> items) {
            json.writeStartArray();
            for (Object item : items) {
                write(json, item);
            }
            json.writeEndArray();
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (var entry : map.entrySet()) {
                json.writeFieldName(String.valueOf(entry.getKey()));
                write(json, entry.getValue());
            }
            json.writeEndObject();
        } else if (value instanceof Record record) {
            writeRecord(json, record);
        } else {
            throw new IllegalArgumentException(
                    "the codec cannot write a " + value.getClass().getName());
        }
    }

    private static void writeRecord(JsonGenerator json, Record record) throws IOException {
        Shape shape = SHAPES.get(record.getClass());
        json.writeStartObject();
        if (shape.type != null) {
            json.writeStringField("type", shape.type);
            if (!shape.versionLast) {
                json.writeNumberField("v", Message.VERSION);
            }
        }
        boolean omitNulls = shape.type != null || record instanceof NullsOmitted;
        for (Component component : shape.components) {
            Object value;
            try {
                value = component.accessor.invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (value != null || !omitNulls) {
                json.writeFieldName(component.name);
                write(json, value);
            }
        }
        if (shape.versionLast) {
            json.writeNumberField("v", Message.VERSION);
        }
        json.writeEndObject();
    }

    // The shape of a record, found once per class

    private record Component(String name, Type type, Method accessor) {}

    /**
     * {@code type}: the wire type of a message record, else null. {@code versionLast}: {@code job:log} has always
     * been written with {@code "v"} after its fields (databind put the fields its @JsonPropertyOrder named first),
     * and the wire stays as it was.
     */
    private record Shape(String type, boolean versionLast, Component[] components, Constructor<?> constructor) {

        static Shape of(Class<?> type) {
            if (!type.isRecord()) {
                throw new IllegalArgumentException("the codec reads and writes records, not " + type.getName());
            }
            RecordComponent[] parts = type.getRecordComponents();
            Component[] components = new Component[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                Method accessor = parts[i].getAccessor();
                accessor.setAccessible(true); // the daemon's REST bodies are records private to their package
                // JobLog carries bytes; JSON carries them as text named chunk (docs/protocol.md).
                String name =
                        type == Response.JobLog.class && parts[i].getName().equals("data")
                                ? "chunk"
                                : parts[i].getName();
                components[i] = new Component(name, parts[i].getGenericType(), accessor);
                types[i] = parts[i].getType();
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                return new Shape(TYPE_OF.get(type), type == Response.JobLog.class, components, constructor);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
