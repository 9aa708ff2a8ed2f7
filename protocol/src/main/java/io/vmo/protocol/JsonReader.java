package io.vmo.protocol;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text to plain values: {@code Map<String,Object>} (fields in order; a repeated field, the last counts),
 * {@code List<Object>}, {@code String}, {@code Integer}/{@code Long}/{@code BigInteger}/{@code Double},
 * {@code Boolean} and {@code null}. RFC 8259, strictly; one value is read and whatever follows it is not (as Jackson's
 * {@code readTree} did).
 *
 * <p>Why not jackson-core's parser, which {@link Codec} still writes with: every one of its parsers extends
 * {@code ParserMinimalBase}, whose static fields are {@code BigDecimal}s, and on JDK 25 initializing
 * {@code BigDecimal} costs 18–50 ms (measured: a JVM that only loads it, and `vmo jobs`, whose first reply waited for
 * it) — a tenth of a client command's budget, for numbers vmo never has. The messages it reads are small (a
 * request, a reply, a page of events), so a direct reader loses nothing.
 */
final class JsonReader {

    /** Deeper than any message of the protocol; a limit, so a hostile one cannot exhaust the reader's stack. */
    static final int MAX_DEPTH = 128;

    /** What is wrong with the text, where. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private final String text;
    private int at;

    private JsonReader(String text) {
        this.text = text;
    }

    /** The first JSON value in {@code text}; null for JSON null or for no value at all (blank text). */
    static Object read(String text) throws Malformed {
        JsonReader reader = new JsonReader(text);
        reader.skipSpace();
        if (reader.at == text.length()) {
            return null;
        }
        char first = text.charAt(reader.at);
        Object value = reader.value(0);
        // At the top, a number must end with the text or a space, and a word must not run on into letters: "1x",
        // "1:" and "truex" are not JSON. After anything else, what follows is not read.
        char next = reader.peek();
        boolean number = first == '-' || (first >= '0' && first <= '9');
        boolean word = first == 't' || first == 'f' || first == 'n';
        if ((number && next != '\0' && next != ' ' && next != '\t' && next != '\n' && next != '\r')
                || (word && Character.isJavaIdentifierPart(next) && next != '\0')) {
            throw reader.malformed("unexpected " + reader.describeNext() + " after "
                    + text.substring(0, reader.at).strip());
        }
        return value;
    }

    private Object value(int depth) throws Malformed {
        if (depth > MAX_DEPTH) {
            throw malformed("nested deeper than " + MAX_DEPTH);
        }
        if (at >= text.length()) {
            throw malformed("the text ends where a value was expected");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw malformed("unexpected " + describe(c) + " where a value was expected");
            }
        };
    }

    private Map<String, Object> object(int depth) throws Malformed {
        Map<String, Object> fields = new LinkedHashMap<>();
        at++; // {
        skipSpace();
        if (peek() == '}') {
            at++;
            return fields;
        }
        while (true) {
            if (peek() != '"') {
                throw malformed("expected a field name in double quotes, found " + describeNext());
            }
            String name = string();
            skipSpace();
            expect(':');
            skipSpace();
            fields.put(name, value(depth + 1));
            skipSpace();
            char c = peek();
            at++;
            if (c == '}') {
                return fields;
            }
            if (c != ',') {
                at--;
                throw malformed("expected ',' or '}' after a field, found " + describeNext());
            }
            skipSpace();
        }
    }

    private List<Object> array(int depth) throws Malformed {
        List<Object> items = new ArrayList<>();
        at++; // [
        skipSpace();
        if (peek() == ']') {
            at++;
            return items;
        }
        while (true) {
            items.add(value(depth + 1));
            skipSpace();
            char c = peek();
            at++;
            if (c == ']') {
                return items;
            }
            if (c != ',') {
                at--;
                throw malformed("expected ',' or ']' after an item, found " + describeNext());
            }
            skipSpace();
        }
    }

    private String string() throws Malformed {
        int start = ++at; // the opening quote
        // The common case, no escapes: one substring.
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                at = i + 1;
                return text.substring(start, i);
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
        }
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw malformed("a string is not closed");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                at--;
                throw malformed("a control character (code " + (int) c + ") in a string must be escaped");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw malformed("a string is not closed");
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(hex4());
                default -> {
                    at--;
                    throw malformed("unknown escape \\" + e + " in a string");
                }
            }
        }
    }

    private char hex4() throws Malformed {
        if (at + 4 > text.length()) {
            throw malformed("a \\u escape needs four hex digits");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(at + i), 16);
            if (digit < 0) {
                throw malformed("a \\u escape needs four hex digits");
            }
            value = value * 16 + digit;
        }
        at += 4;
        return (char) value; // a surrogate pair arrives as two escapes, joined by the string they make up
    }

    private Object number() throws Malformed {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0') {
            at++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw malformed("a number needs a digit after '-'");
        }
        boolean integral = true;
        if (peek() == '.') {
            at++;
            integral = false;
            if (!isDigit(peek())) {
                throw malformed("a number needs a digit after '.'");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            integral = false;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            if (!isDigit(peek())) {
                throw malformed("a number needs a digit in its exponent");
            }
            digits();
        }
        String number = text.substring(start, at);
        if (!integral) {
            return Double.parseDouble(number);
        }
        int length = number.length() - (number.startsWith("-") ? 1 : 0);
        if (length <= 18) {
            long value = Long.parseLong(number);
            return value == (int) value ? (Object) (int) value : (Object) value;
        }
        BigInteger big = new BigInteger(number);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private void digits() {
        while (isDigit(peek())) {
            at++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) throws Malformed {
        if (!text.startsWith(word, at)) {
            throw malformed("unexpected " + describeNext() + " where a value was expected");
        }
        at += word.length();
        return value;
    }

    private void expect(char c) throws Malformed {
        if (peek() != c) {
            throw malformed("expected '" + c + "', found " + describeNext());
        }
        at++;
    }

    /** The next character, or U+0000 at the end (never valid where a peek decides). */
    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private String describeNext() {
        return at >= text.length() ? "the end of the text" : describe(text.charAt(at));
    }

    private static String describe(char c) {
        return c < 0x20 || c == 0x7f ? "character code " + (int) c : "'" + c + "'";
    }

    private Malformed malformed(String why) {
        return new Malformed(why + " (at character " + (at + 1) + ")");
    }
}
