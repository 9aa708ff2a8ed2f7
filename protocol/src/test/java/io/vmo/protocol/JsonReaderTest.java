package io.vmo.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reader against jackson-core's parser, which the codec read with before: the same values for the same text,
 * and text one refuses the other refuses too — over hand-picked cases and ~20,000 random ones.
 */
class JsonReaderTest {

    private static final JsonFactory JACKSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(JsonReader.MAX_DEPTH + 1)
                    .build())
            .build();

    @Test
    void readsWhatJacksonReads() throws Exception {
        for (String json : List.of(
                "{}",
                "[]",
                " \t\n{\"a\": [1, -2, 3.5, -0.25e2, 1E3, 0, -0], \"b\": {\"c\": null}, \"d\": true, \"e\": false} ",
                "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00 plain é 😀\"",
                "2147483647",
                "2147483648",
                "-2147483649",
                "9223372036854775807",
                "9223372036854775808",
                "123456789012345678901234567890",
                "1.5e400",
                "{\"a\":1,\"a\":2}",
                "[1] trailing ignored",
                "{\"type\":\"list-jobs\",\"limit\":\"5\"}")) {
            assertThat(JsonReader.read(json)).as(json).isEqualTo(jackson(json));
        }
        assertThat(JsonReader.read("")).isNull();
        assertThat(JsonReader.read("  \n")).isNull();
        assertThat(JsonReader.read("null")).isNull();
    }

    @Test
    void refusesWhatJacksonRefuses() {
        for (String json : List.of(
                "{",
                "{\"a\"",
                "{\"a\":}",
                "{\"a\":1,}",
                "[1,]",
                "[1 2]",
                "{a:1}",
                "{'a':1}",
                "\"unclosed",
                "\"bad \\x escape\"",
                "\"\\u12\"",
                "\"tab\tinside\"",
                "01",
                "-",
                "1.",
                ".5",
                "1e",
                "+1",
                "tru",
                "nul",
                "NaN",
                "[".repeat(JsonReader.MAX_DEPTH + 2))) {
            assertThatThrownBy(() -> JsonReader.read(json)).as(json).isInstanceOf(JsonReader.Malformed.class);
            assertThatThrownBy(() -> jackson(json)).as(json).isInstanceOf(JsonProcessingException.class);
        }
    }

    @Test
    void saysWhatIsWrongAndWhere() {
        assertThatThrownBy(() -> JsonReader.read("{\"limit\": 5,}"))
                .hasMessage("expected a field name in double quotes, found '}' (at character 13)");
        assertThatThrownBy(() -> JsonReader.read("[1 2]"))
                .hasMessage("expected ',' or ']' after an item, found '2' (at character 4)");
        assertThatThrownBy(() -> JsonReader.read("\"a\nb\""))
                .hasMessage("a control character (code 10) in a string must be escaped (at character 3)");
        assertThatThrownBy(() -> JsonReader.read("[".repeat(200))).hasMessageStartingWith("nested deeper than 128");
    }

    private static final String STRAY = "{}[]\",:-0e.\\ x\t";

    /** Random documents built from JSON's parts, half of them broken by a cut or a stray character. */
    @Test
    void agreesWithJacksonOnRandomText() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            String json = document(random, 0);
            if (random.nextBoolean()) {
                int cut = random.nextInt(json.length() + 1);
                json = random.nextBoolean()
                        ? json.substring(0, cut)
                        : json.substring(0, cut) + STRAY.charAt(random.nextInt(STRAY.length())) + json.substring(cut);
            }
            Object ours;
            try {
                ours = JsonReader.read(json);
            } catch (JsonReader.Malformed e) {
                assertThat(jacksonRefuses(json))
                        .as("refused (" + e.getMessage() + "), Jackson reads: " + json)
                        .isTrue();
                continue;
            }
            assertThat(ours).as(json).isEqualTo(jackson(json));
        }
    }

    private static String document(Random random, int depth) {
        int kind = depth > 4 ? 2 + random.nextInt(5) : random.nextInt(7);
        return switch (kind) {
            case 0 -> {
                StringBuilder out = new StringBuilder("{");
                for (int n = random.nextInt(4), i = 0; i < n; i++) {
                    out.append(i > 0 ? "," : "")
                            .append(string(random))
                            .append(':')
                            .append(document(random, depth + 1));
                }
                yield out.append('}').toString();
            }
            case 1 -> {
                StringBuilder out = new StringBuilder("[");
                for (int n = random.nextInt(4), i = 0; i < n; i++) {
                    out.append(i > 0 ? ", " : "").append(document(random, depth + 1));
                }
                yield out.append(']').toString();
            }
            case 2 -> string(random);
            case 3 ->
                List.of("0", "-1", "17", "2147483648", "-9223372036854775809", "3.25", "-1e-3", "6E+2")
                        .get(random.nextInt(8));
            case 4 -> "true";
            case 5 -> "false";
            default -> "null";
        };
    }

    private static String string(Random random) {
        List<String> parts = List.of("a", "é", "😀", "\\n", "\\\"", "\\\\", "\\u0041", "\\ud83d\\ude00", " ", "/");
        StringBuilder out = new StringBuilder("\"");
        for (int n = random.nextInt(5), i = 0; i < n; i++) {
            out.append(parts.get(random.nextInt(parts.size())));
        }
        return out.append('"').toString();
    }

    private static boolean jacksonRefuses(String json) throws IOException {
        try {
            jackson(json);
            return false;
        } catch (JsonProcessingException e) {
            return true;
        }
    }

    /** What jackson-core makes of the text, as the same plain values (the codec's reading before this reader). */
    private static Object jackson(String json) throws IOException {
        try (JsonParser parser = JACKSON.createParser(json)) {
            return parser.nextToken() == null ? null : tree(parser);
        }
    }

    private static Object tree(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                parser.nextToken();
                fields.put(name, tree(parser));
            }
            return fields;
        }
        if (token == JsonToken.START_ARRAY) {
            List<Object> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                items.add(tree(parser));
            }
            return items;
        }
        if (token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            Number n = parser.getNumberValue();
            return n instanceof BigInteger big && big.bitLength() < 64 ? (Object) big.longValue() : n;
        }
        if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            return token == JsonToken.VALUE_TRUE;
        }
        return null;
    }
}
