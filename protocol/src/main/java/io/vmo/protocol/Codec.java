package io.vmo.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Arrays;
import java.util.stream.Collectors;

/** JSON encoding of {@link Message}s, and of the same records on the REST API. Thread-safe. */
public final class Codec {

    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Newer peers may add fields; ignoring them keeps old clients working.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public String encode(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public byte[] encodeBytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** Decodes one message, or throws a {@link VmoException} that says what was wrong with it. */
    public Message decode(String json) {
        try {
            return message(mapper.readTree(json));
        } catch (JsonProcessingException e) {
            throw new VmoException(ErrorCode.BAD_JSON, "message is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * Decodes a message given as its fields (what a REST route makes of a request's path, query and body), exactly
     * as the same fields sent as JSON: one validation, the same errors. Values may be text where a number is
     * expected ({@code "limit": "5"}), as they come from a URL.
     */
    public Message decode(java.util.Map<String, ?> fields) {
        return message(mapper.valueToTree(fields));
    }

    private Message message(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new VmoException(
                    ErrorCode.BAD_JSON, "a message must be a JSON object like {\"v\":1,\"type\":\"list-jobs\"}");
        }
        JsonNode v = node.get("v");
        if (v != null && v.asInt(-1) != Message.VERSION) {
            throw new VmoException(
                    ErrorCode.UNSUPPORTED_VERSION,
                    "protocol version " + v + " is not supported; this daemon speaks \"v\":" + Message.VERSION);
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new VmoException(ErrorCode.BAD_REQUEST, "message has no \"type\"; expected one of " + knownTypes());
        }
        return decode(node, Message.class);
    }

    /** Decodes a REST body or reply into a given record type, with the same errors as {@link #decode(String)}. */
    public <T> T decode(String json, Class<T> type) {
        try {
            return decode(mapper.readTree(json), type);
        } catch (JsonProcessingException e) {
            throw new VmoException(ErrorCode.BAD_JSON, "body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private <T> T decode(JsonNode node, Class<T> type) {
        try {
            return mapper.treeToValue(node, type);
        } catch (InvalidTypeIdException e) {
            throw new VmoException(
                    ErrorCode.UNKNOWN_TYPE,
                    "unknown message type \"" + e.getTypeId() + "\"; expected one of " + knownTypes());
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new VmoException(ErrorCode.BAD_REQUEST, cause.getMessage());
        } catch (JsonProcessingException e) {
            // Name the field: "limit": Cannot deserialize value of type `java.lang.Integer` from String "x"…
            String field = e instanceof JsonMappingException m
                    ? m.getPath().stream()
                            .map(JsonMappingException.Reference::getFieldName)
                            .filter(java.util.Objects::nonNull)
                            .collect(Collectors.joining("."))
                    : "";
            throw new VmoException(
                    ErrorCode.BAD_REQUEST,
                    "malformed " + node.path("type").asText("message") + ": "
                            + (field.isEmpty() ? "" : "\"" + field + "\": ") + e.getOriginalMessage());
        }
    }

    /** The request types, for error messages: what a client may send. */
    private static String knownTypes() {
        return Arrays.stream(Message.class
                        .getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class)
                        .value())
                .filter(t -> Request.class.isAssignableFrom(t.value()))
                .map(com.fasterxml.jackson.annotation.JsonSubTypes.Type::name)
                .collect(Collectors.joining(", "));
    }
}
