package io.sluice.record;

import io.sluice.check.Check;
import java.nio.charset.StandardCharsets;

/** A record header: a string key and a nullable byte value. */
public record Header(String key, byte[] value) {
    public Header {
        Check.notNull("header key", key);
    }

    /** The value decoded as UTF-8, or null. */
    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return key + "=" + valueAsString();
    }
}
