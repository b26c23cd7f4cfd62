package io.sluice.errors;

/** A record batch failed its CRC32C check or is malformed; the message names topic, partition and offset. Never skipped. */
public class CorruptRecordException extends SluiceException {
    public CorruptRecordException(String message) {
        super(message);
    }

    public CorruptRecordException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.CORRUPT_BATCH;
    }
}
