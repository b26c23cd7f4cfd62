package io.sluice.benchmarks.perf.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small, strict JSON parser (RFC 8259), so that {@code report} can read what {@link JsonReport} writes without a
 * JSON library. Objects become {@code Map<String, Object>} (in document order), arrays {@code List<Object>},
 * strings {@code String}, numbers {@code Long} when written without fraction or exponent and within range, else
 * {@code Double}, {@code true}/{@code false} {@code Boolean}, and {@code null} Java null.
 *
 * <p>Strict: no comments, trailing commas, single quotes, leading zeros, NaN or infinities, unescaped control
 * characters in strings, duplicate keys, or anything after the value. Bad input throws a {@link SyntaxException}
 * naming the line and column.
 */
final class Json {
    /** Deeper nesting is refused rather than risking the stack. */
    static final int MAX_DEPTH = 500;

    private final String text;
    private int pos;
    private int depth;

    private Json(String text) {
        this.text = text;
    }

    /** Malformed JSON; the message names the line and column (both from 1) of the problem. */
    static final class SyntaxException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message) {
            super(message);
        }
    }

    /** The value {@code text} holds. @throws SyntaxException when it is not exactly one JSON value */
    static Object parse(String text) {
        Json p = new Json(text);
        p.skipSpace();
        Object value = p.value();
        p.skipSpace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.found() + " after the end of the JSON value");
        }
        return value;
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("expected a value, found the end of the input");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("expected a value, found " + found());
        }
    }

    private Map<String, Object> object() {
        enter();
        pos++; // {
        Map<String, Object> map = new LinkedHashMap<>();
        skipSpace();
        if (peek('}')) {
            pos++;
            depth--;
            return Collections.unmodifiableMap(map);
        }
        for (;;) {
            skipSpace();
            if (!peek('"')) {
                throw error("expected a member name in double quotes, found " + found());
            }
            int keyAt = pos;
            String key = string();
            if (map.containsKey(key)) {
                pos = keyAt;
                throw error("duplicate member name " + JsonReport.quote(key));
            }
            skipSpace();
            expect(':', "after a member name");
            skipSpace();
            map.put(key, value());
            skipSpace();
            if (peek(',')) {
                pos++;
            } else if (peek('}')) {
                pos++;
                depth--;
                return Collections.unmodifiableMap(map);
            } else {
                throw error("expected ',' or '}' after an object member, found " + found());
            }
        }
    }

    private List<Object> array() {
        enter();
        pos++; // [
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (peek(']')) {
            pos++;
            depth--;
            return Collections.unmodifiableList(list);
        }
        for (;;) {
            skipSpace();
            list.add(value());
            skipSpace();
            if (peek(',')) {
                pos++;
            } else if (peek(']')) {
                pos++;
                depth--;
                return Collections.unmodifiableList(list);
            } else {
                throw error("expected ',' or ']' after an array element, found " + found());
            }
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String string() {
        int start = pos;
        pos++; // "
        StringBuilder sb = new StringBuilder();
        for (;;) {
            if (pos >= text.length()) {
                pos = start;
                throw error("unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character " + found() + " in a string (it must be escaped)");
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= text.length()) {
                pos = start;
                throw error("unterminated string");
            }
            char e = text.charAt(pos + 1);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append(hex4(pos + 2));
                    pos += 4;
                }
                default -> {
                    pos++;
                    throw error("invalid escape '\\" + printable(e) + "' in a string");
                }
            }
            pos += 2;
        }
    }

    private char hex4(int at) {
        int v = 0;
        for (int i = at; i < at + 4; i++) {
            int d = i < text.length() ? Character.digit(text.charAt(i), 16) : -1;
            if (d < 0) {
                pos = Math.min(i, text.length());
                throw error("expected 4 hex digits after \\u, found " + found());
            }
            v = v * 16 + d;
        }
        return (char) v;
    }

    private Object number() {
        int start = pos;
        if (peek('-')) {
            pos++;
        }
        if (peek('0')) {
            pos++;
            if (pos < text.length() && isDigit(text.charAt(pos))) {
                throw error("leading zero in a number");
            }
        } else {
            digits("a digit");
        }
        boolean integral = true;
        if (peek('.')) {
            integral = false;
            pos++;
            digits("a digit after the decimal point");
        }
        if (peek('e') || peek('E')) {
            integral = false;
            pos++;
            if (peek('+') || peek('-')) {
                pos++;
            }
            digits("a digit in the exponent");
        }
        String literal = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException tooLong) {
                // beyond a long: a double, like the fractions
            }
        }
        double d = Double.parseDouble(literal);
        if (Double.isInfinite(d)) {
            pos = start;
            throw error("number out of range: " + literal);
        }
        return d;
    }

    private void digits(String what) {
        if (pos >= text.length() || !isDigit(text.charAt(pos))) {
            throw error("expected " + what + ", found " + found());
        }
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("expected a value, found " + found());
        }
        pos += word.length();
        return value;
    }

    private void expect(char c, String where) {
        if (!peek(c)) {
            throw error("expected '" + c + "' " + where + ", found " + found());
        }
        pos++;
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** What is at the current position, for a message: 'x', U+000A for a control character, or "the end of the input". */
    private String found() {
        if (pos >= text.length()) {
            return "the end of the input";
        }
        char c = text.charAt(pos);
        return c < 0x20 || c == 0x7f ? printable(c) : "'" + c + "'";
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? String.format(Locale.ROOT, "U+%04X", (int) c) : String.valueOf(c);
    }

    private SyntaxException error(String message) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new SyntaxException("invalid JSON at line " + line + ", column " + column + ": " + message);
    }
}
