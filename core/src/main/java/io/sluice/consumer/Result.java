package io.sluice.consumer;

import io.sluice.record.Record;

/**
 * What {@link Consumer#process} did with one record.
 *
 * @param attempts how many times the handler ran for this record
 * @param error the last failure when dead-lettered, otherwise null
 */
public record Result(Record record, Outcome outcome, int attempts, Throwable error) {
    /** The end of a record's processing. */
    public enum Outcome {
        /** The handler succeeded; the record is acknowledged. */
        PROCESSED,
        /** Every attempt failed; the record went to the dead-letter topic and is acknowledged. */
        DEAD_LETTERED
    }
}
