package io.sluice.errors;

/**
 * The stable code of each kind of error, which a node sends in its error frames and a client turns back into the
 * exception: each exception type names its code ({@link SluiceException#code()}) and each code makes its exception
 * ({@link #exception}), so no table outside this package keeps the two directions. The constant's name is the code
 * on the wire: never rename one.
 */
public enum ErrorCode {
    UNKNOWN_TOPIC,
    TOPIC_EXISTS,
    UNKNOWN_GROUP,
    TOPIC_FULL,
    UNAUTHORIZED,
    /** A malformed frame ({@link ProtocolException}). */
    INVALID_FRAME,
    /** A frame longer than the receiver's maximum ({@link ProtocolException}). */
    FRAME_TOO_LARGE,
    /** A batch failed its CRC or does not decode ({@link CorruptRecordException}). */
    CORRUPT_BATCH,
    /** The client speaks a protocol version the node does not ({@link ProtocolException}). */
    UNSUPPORTED_VERSION,
    OUT_OF_ORDER_SEQUENCE,
    /** The durable store did not take a batch ({@link StoreException}). */
    STORE_FAILED,
    CLOSED,
    /** A request the node refused as invalid: an {@link IllegalArgumentException}, as the embedded engine throws it. */
    INVALID_ARGUMENT,
    /** Anything else: an error the node did not expect. */
    INTERNAL;

    /** The exception of this code, with {@code message}; its {@link #of} is this code again. */
    public RuntimeException exception(String message) {
        return switch (this) {
            case UNKNOWN_TOPIC -> new UnknownTopicException(message);
            case TOPIC_EXISTS -> new TopicExistsException(message);
            case UNKNOWN_GROUP -> new UnknownGroupException(message);
            case TOPIC_FULL -> new TopicFullException(message);
            case UNAUTHORIZED -> new UnauthorizedException(message);
            case CORRUPT_BATCH -> new CorruptRecordException(message);
            case OUT_OF_ORDER_SEQUENCE -> new OutOfOrderSequenceException(message);
            case STORE_FAILED -> new StoreException(message, null);
            case CLOSED -> new ClosedException(message);
            case INVALID_ARGUMENT -> new IllegalArgumentException(message);
            case INVALID_FRAME, FRAME_TOO_LARGE, UNSUPPORTED_VERSION -> new ProtocolException(this, message);
            case INTERNAL -> new SluiceException(name() + ": " + message);
        };
    }

    /**
     * The code of {@code error}: a {@link SluiceException}'s own, {@link #INVALID_ARGUMENT} for an
     * {@link IllegalArgumentException}, else {@link #INTERNAL}.
     */
    public static ErrorCode of(Throwable error) {
        if (error instanceof SluiceException e) {
            return e.code();
        }
        return error instanceof IllegalArgumentException ? INVALID_ARGUMENT : INTERNAL;
    }
}
