package io.sluice.transport.netty.internal;

import io.sluice.errors.ClosedException;
import io.sluice.errors.CorruptRecordException;
import io.sluice.errors.OutOfOrderSequenceException;
import io.sluice.errors.ProtocolException;
import io.sluice.errors.SluiceException;
import io.sluice.errors.StoreException;
import io.sluice.errors.TopicExistsException;
import io.sluice.errors.TopicFullException;
import io.sluice.errors.UnauthorizedException;
import io.sluice.errors.UnknownGroupException;
import io.sluice.errors.UnknownTopicException;

/**
 * The stable error codes of {@link Frames#ERROR} frames, and the mapping both ways: the node names the code of
 * the exception it caught, the client raises the exception of the code it received, with the node's message.
 */
public final class ErrorCodes {
    private ErrorCodes() {
    }

    public static final String UNKNOWN_TOPIC = "UNKNOWN_TOPIC";
    public static final String TOPIC_EXISTS = "TOPIC_EXISTS";
    public static final String UNKNOWN_GROUP = "UNKNOWN_GROUP";
    public static final String TOPIC_FULL = "TOPIC_FULL";
    public static final String UNAUTHORIZED = "UNAUTHORIZED";
    public static final String INVALID_FRAME = "INVALID_FRAME";
    public static final String FRAME_TOO_LARGE = "FRAME_TOO_LARGE";
    public static final String CORRUPT_BATCH = "CORRUPT_BATCH";
    public static final String UNSUPPORTED_VERSION = "UNSUPPORTED_VERSION";
    public static final String OUT_OF_ORDER_SEQUENCE = "OUT_OF_ORDER_SEQUENCE";
    public static final String STORE_FAILED = "STORE_FAILED";
    public static final String CLOSED = "CLOSED";
    public static final String INVALID_ARGUMENT = "INVALID_ARGUMENT";
    public static final String INTERNAL = "INTERNAL";

    /** The code for an error the node caught while serving a request. */
    public static String codeOf(Throwable e) {
        if (e instanceof ProtocolException p) {
            return p.code();
        }
        if (e instanceof UnknownTopicException) {
            return UNKNOWN_TOPIC;
        }
        if (e instanceof TopicExistsException) {
            return TOPIC_EXISTS;
        }
        if (e instanceof UnknownGroupException) {
            return UNKNOWN_GROUP;
        }
        if (e instanceof TopicFullException) {
            return TOPIC_FULL;
        }
        if (e instanceof UnauthorizedException) {
            return UNAUTHORIZED;
        }
        if (e instanceof CorruptRecordException) {
            return CORRUPT_BATCH;
        }
        if (e instanceof OutOfOrderSequenceException) {
            return OUT_OF_ORDER_SEQUENCE;
        }
        if (e instanceof StoreException) {
            return STORE_FAILED;
        }
        if (e instanceof ClosedException) {
            return CLOSED;
        }
        if (e instanceof IllegalArgumentException) {
            return INVALID_ARGUMENT;
        }
        return INTERNAL;
    }

    /** The exception a client raises for an {@link Frames#ERROR} frame. */
    public static RuntimeException exceptionOf(String code, String message) {
        String m = message == null || message.isEmpty() ? code : message;
        if (code == null) {
            return new ProtocolException(INVALID_FRAME, "an error frame without a code: " + m);
        }
        return switch (code) {
            case UNKNOWN_TOPIC -> new UnknownTopicException(m);
            case TOPIC_EXISTS -> new TopicExistsException(m);
            case UNKNOWN_GROUP -> new UnknownGroupException(m);
            case TOPIC_FULL -> new TopicFullException(m);
            case UNAUTHORIZED -> new UnauthorizedException(m);
            case CORRUPT_BATCH -> new CorruptRecordException(m);
            case OUT_OF_ORDER_SEQUENCE -> new OutOfOrderSequenceException(m);
            case STORE_FAILED -> new StoreException(m, null);
            case CLOSED -> new ClosedException(m);
            case INVALID_ARGUMENT -> new IllegalArgumentException(m);
            case INVALID_FRAME, FRAME_TOO_LARGE, UNSUPPORTED_VERSION -> new ProtocolException(code, m);
            default -> new SluiceException(code + ": " + m);
        };
    }
}
