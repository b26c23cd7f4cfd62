package io.sluice.log.internal;

import io.sluice.check.Check;

/**
 * A partition log's retention limits: records, bytes and age (milliseconds); {@code Long.MAX_VALUE} for none.
 * Whole batches are evicted, oldest first, while the log without its oldest batch still meets the record and
 * byte limits, or while the oldest batch's newest record is older than the age limit.
 */
public record Retention(long records, long bytes, long ageMillis) {
    public static final Retention UNLIMITED = new Retention(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);

    public Retention {
        Check.positive("retention records", records);
        Check.positive("retention bytes", bytes);
        Check.positive("retention age", ageMillis);
    }
}
