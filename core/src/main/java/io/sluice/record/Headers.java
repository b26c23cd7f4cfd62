package io.sluice.record;

import io.sluice.check.Check;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * An immutable, ordered list of headers; a key may repeat (the last one wins in {@link #lastValue}).
 * {@code Headers.of("trace", "abc").with("attempt", "2")} returns new instances.
 */
public final class Headers implements Iterable<Header> {
    private static final Headers EMPTY = new Headers(new Header[0]);

    private final Header[] headers;

    private Headers(Header[] headers) {
        this.headers = headers;
    }

    public static Headers empty() {
        return EMPTY;
    }

    /** Headers from alternating string keys and string values. */
    public static Headers of(String... keysAndValues) {
        Check.notNull("keysAndValues", keysAndValues);
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keysAndValues must hold key, value pairs, had " + keysAndValues.length + " strings");
        }
        Header[] hs = new Header[keysAndValues.length / 2];
        for (int i = 0; i < hs.length; i++) {
            String v = keysAndValues[2 * i + 1];
            hs[i] = new Header(keysAndValues[2 * i], v == null ? null : v.getBytes(StandardCharsets.UTF_8));
        }
        return hs.length == 0 ? EMPTY : new Headers(hs);
    }

    public static Headers of(List<Header> list) {
        Check.notNull("headers", list);
        return list.isEmpty() ? EMPTY : new Headers(list.toArray(new Header[0]));
    }

    public Headers with(String key, byte[] value) {
        Header[] hs = Arrays.copyOf(headers, headers.length + 1);
        hs[headers.length] = new Header(key, value);
        return new Headers(hs);
    }

    public Headers with(String key, String value) {
        return with(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    public int size() {
        return headers.length;
    }

    public boolean isEmpty() {
        return headers.length == 0;
    }

    public Header get(int index) {
        return headers[index];
    }

    /** The value of the last header with this key, or null when there is none. */
    public byte[] lastValue(String key) {
        for (int i = headers.length - 1; i >= 0; i--) {
            if (headers[i].key().equals(key)) {
                return headers[i].value();
            }
        }
        return null;
    }

    /** {@link #lastValue} decoded as UTF-8, or null. */
    public String lastString(String key) {
        byte[] v = lastValue(key);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    public List<Header> asList() {
        return Collections.unmodifiableList(Arrays.asList(headers));
    }

    @Override
    public Iterator<Header> iterator() {
        return asList().iterator();
    }

    @Override
    public String toString() {
        return new ArrayList<>(asList()).toString();
    }
}
