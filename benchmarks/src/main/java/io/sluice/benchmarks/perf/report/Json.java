package io.sluice.benchmarks.perf.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The results files' JSON on Jackson's streaming parser and generator, with the two things a plain
 * {@code ObjectMapper} does not give: messages that locate what is wrong in a hand-edited or truncated file, and the
 * layout {@link JsonReport} has always written.
 *
 * <p>{@link #parse} is strict (RFC 8259: no comments, trailing commas, single quotes, leading zeros, NaN, duplicate
 * member names, or anything after the value) and gives plain Java values: objects as {@code Map<String, Object>} in
 * document order, arrays as {@code List<Object>}, numbers as {@code Long} when written without fraction or exponent
 * and within range, else {@code Double}, and {@code Boolean}s and nulls. Bad input throws a {@link SyntaxException}
 * naming the line and column; where the text breaks off or holds a wrong character between values, it says what was
 * expected there ({@code expected a value, found the end of the input}); inside a string, number or literal it gives
 * Jackson's description.
 *
 * <p>{@link #write} lays a document out with the top-level members on lines of their own, the elements of the arrays
 * {@code "results"}, {@code "trials"} and {@code "targets"} (of max-rate) on lines of their own indented by four spaces, and everything else on one
 * line with {@code ", "} and {@code ": "} between its parts. Control characters other than tab, newline and carriage
 * return are written as {@code &#92;u00xx}, lower case.
 */
final class Json {
    /** Deeper nesting is refused rather than risking the stack. */
    static final int MAX_DEPTH = 500;

    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            // MAX_DEPTH is checked here first, so that the message names the line and column
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1).build())
            .characterEscapes(new LowerCaseEscapes())
            .build();
    /** The arrays whose elements are written one per line. */
    private static final Set<String> LINE_PER_ELEMENT = Set.of("results", "trials", "targets");

    private final String text;
    private final JsonParser parser;
    private int depth;
    /** Where the last complete value ended (the offset after it), for messages. */
    private int valueEnd = -1;
    /** True while a string's content is read: an error there is inside a value. */
    private boolean inString;

    private Json(String text, JsonParser parser) {
        this.text = text;
        this.parser = parser;
    }

    /** Malformed JSON; the message names the line and column (both from 1) of the problem. */
    static final class SyntaxException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message) {
            super(message);
        }
    }

    /** Writes one document with a generator: the body of {@link #write}. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    /** The document {@code body} writes, in the layout described above, ending with a newline. */
    static String write(Body body) {
        StringWriter out = new StringWriter(4096);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            generator.setPrettyPrinter(new Layout());
            body.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to a String: never
        }
        return out.append('\n').toString();
    }

    /** {@code s} as a JSON string literal, for messages. */
    static String quote(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    /** The value {@code text} holds. @throws SyntaxException when it is not exactly one JSON value */
    static Object parse(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            Json json = new Json(text, parser);
            try {
                if (parser.nextToken() == null) {
                    throw json.error(text.length(), "expected a value, found the end of the input");
                }
                Object value = json.value();
                if (parser.nextToken() != null) {
                    int at = json.tokenStart();
                    throw json.error(at, "unexpected " + json.found(at) + " after the end of the JSON value");
                }
                return value;
            } catch (JsonProcessingException e) {
                throw json.translate(e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String: only the syntax errors above
        }
    }

    /** The value starting at the current token; its members or elements are consumed. */
    private Object value() throws IOException {
        Object value = switch (parser.currentToken()) {
            case START_OBJECT -> object();
            case START_ARRAY -> array();
            case VALUE_STRING -> string();
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? finite(parser.getDoubleValue()) : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> finite(parser.getDoubleValue());
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalStateException("not a value: " + parser.currentToken()); // the parser pairs tokens
        };
        valueEnd = (int) parser.currentLocation().getCharOffset();
        return value;
    }

    private String string() throws IOException {
        inString = true;
        String s = parser.getText(); // Jackson reads a string's content when asked for it
        inString = false;
        return s;
    }

    private Map<String, Object> object() throws IOException {
        enter();
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            if (map.containsKey(key)) {
                throw error(tokenStart(), "duplicate member name " + quote(key));
            }
            parser.nextToken();
            map.put(key, value());
        }
        depth--;
        return Collections.unmodifiableMap(map);
    }

    private List<Object> array() throws IOException {
        enter();
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            list.add(value());
        }
        depth--;
        return Collections.unmodifiableList(list);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error(tokenStart(), "nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private double finite(double d) throws IOException {
        if (Double.isInfinite(d)) {
            throw error(tokenStart(), "number out of range: " + parser.getText());
        }
        return d;
    }

    private int tokenStart() {
        return (int) parser.currentTokenLocation().getCharOffset();
    }

    /**
     * Jackson's error as a {@link SyntaxException}: at a point between values, what was due there; inside a string,
     * number or literal, Jackson's words.
     */
    private SyntaxException translate(JsonProcessingException e) {
        JsonLocation where = e.getLocation();
        long offset = where == null ? -1 : where.getCharOffset();
        if (offset >= 0 && offset <= text.length() && !inString) {
            int at = (int) offset;
            String due = due(at);
            // a word that is no value (tru, NaN, x): Jackson points after it, the message at its start
            int word = at;
            while (due == null && word > 0 && Character.isLetter(text.charAt(word - 1))) {
                word--;
            }
            if (due == null && word < at) {
                at = word;
                due = due(at);
            }
            if (due != null) {
                return error(at, due);
            }
        }
        String message = e.getOriginalMessage()
                .replaceAll(" \\(code \\d+\\)", "")
                .replaceAll(" ?\\((?:start marker|for \\w+ starting) at \\[Source.*?\\]\\)", "")
                .replaceAll("end-of-input(?=[A-Za-z])", "end-of-input: ");
        return where == null ? new SyntaxException("invalid JSON: " + message)
                : new SyntaxException("invalid JSON at line " + where.getLineNr() + ", column " + where.getColumnNr() + ": " + message);
    }

    /**
     * What the text needed at offset {@code at}, when that is a point between values: after an opening bracket, a
     * comma, a colon, a member name or a complete value. Null inside a value (a string, number or literal).
     */
    private String due(int at) {
        int before = at - 1;
        while (before >= 0 && isSpace(text.charAt(before))) {
            before--;
        }
        char previous = before < 0 ? 0 : text.charAt(before);
        boolean afterValue = before >= 0 && before == valueEnd - 1;
        String found = ", found " + found(at);
        JsonStreamContext context = parser.getParsingContext();
        if (context.inRoot()) {
            if (before < 0) {
                return "expected a value" + found;
            }
            return afterValue ? "unexpected " + found(at) + " after the end of the JSON value" : null;
        }
        if (context.inArray()) {
            if (previous == '[' || previous == ',') {
                return "expected a value" + found;
            }
            return afterValue ? "expected ',' or ']' after an array element" + found : null;
        }
        if (previous == '{' || previous == ',') {
            return "expected a member name in double quotes" + found;
        }
        if (previous == ':') {
            return "expected a value" + found;
        }
        if (parser.currentToken() == JsonToken.FIELD_NAME && previous == '"') {
            return "expected ':' after a member name" + found;
        }
        return afterValue ? "expected ',' or '}' after an object member" + found : null;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** What is at {@code at}, for a message: 'x', U+000A for a control character, or "the end of the input". */
    private String found(int at) {
        if (at >= text.length()) {
            return "the end of the input";
        }
        char c = text.charAt(at);
        return c < 0x20 || c == 0x7f ? String.format(Locale.ROOT, "U+%04X", (int) c) : "'" + c + "'";
    }

    /** A {@link SyntaxException} at offset {@code at}, with its line and column counted from 1. */
    private SyntaxException error(int at, String message) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < at && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new SyntaxException("invalid JSON at line " + line + ", column " + column + ": " + message);
    }

    /** The layout of {@link #write}: decides every separator from where the generator is in the document. */
    private static final class Layout implements PrettyPrinter {
        /** True when the generator is in the top-level object. */
        private static boolean top(JsonGenerator g) {
            JsonStreamContext c = g.getOutputContext();
            return c.inObject() && c.getParent().inRoot();
        }

        /** True when the generator is in an array whose elements go on lines of their own. */
        private static boolean lines(JsonGenerator g) {
            JsonStreamContext c = g.getOutputContext();
            return c.inArray() && LINE_PER_ELEMENT.contains(c.getParent().getCurrentName());
        }

        @Override
        public void writeRootValueSeparator(JsonGenerator g) {
            // one document per file
        }

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            g.writeRaw('{');
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) throws IOException {
            if (top(g)) {
                g.writeRaw("\n  ");
            }
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(top(g) ? ",\n  " : ", ");
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            g.writeRaw(top(g) && entries > 0 ? "\n}" : "}");
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw('[');
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            if (lines(g)) {
                g.writeRaw("\n    ");
            }
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(lines(g) ? ",\n    " : ", ");
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            g.writeRaw(lines(g) && values > 0 ? "\n  ]" : "]");
        }
    }

    /** JSON's escapes, but {@code &#92;u00xx} with lower-case digits for every control character but tab, newline, return. */
    private static final class LowerCaseEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        LowerCaseEscapes() {
            for (int c = 0; c < 0x20; c++) {
                if (c != '\t' && c != '\n' && c != '\r') {
                    ascii[c] = ESCAPE_CUSTOM;
                }
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int c) {
            return c < 0x20 ? new SerializedString(String.format(Locale.ROOT, "\\u%04x", c)) : null;
        }
    }
}
