package io.sluice.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorCodeTest {

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeRoundTripsThroughItsException(ErrorCode code) {
        RuntimeException e = code.exception("what went wrong");

        assertThat(ErrorCode.of(e)).isEqualTo(code);
        assertThat(e.getMessage()).contains("what went wrong");
    }

    @Test
    void theWireCodesAreTheOnesNodesAndClientsAlreadySpeak() {
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::name)).containsExactlyInAnyOrder(
                "UNKNOWN_TOPIC", "TOPIC_EXISTS", "UNKNOWN_GROUP", "TOPIC_FULL", "UNAUTHORIZED", "INVALID_FRAME",
                "FRAME_TOO_LARGE", "CORRUPT_BATCH", "UNSUPPORTED_VERSION", "OUT_OF_ORDER_SEQUENCE", "STORE_FAILED",
                "CLOSED", "INVALID_ARGUMENT", "INTERNAL");
    }

    @Test
    void exceptionsOfOtherTypesAreInvalidArgumentsOrInternal() {
        assertThat(ErrorCode.of(new IllegalArgumentException("bad"))).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(ErrorCode.of(new IllegalStateException("oops"))).isEqualTo(ErrorCode.INTERNAL);
        assertThat(ErrorCode.of(new DisconnectedException("lost", null))).isEqualTo(ErrorCode.INTERNAL);
        assertThat(ErrorCode.of(new ProtocolException(ErrorCode.UNAUTHORIZED, "no token"))).isEqualTo(ErrorCode.UNAUTHORIZED);
    }

    @Test
    void theExceptionsAreTheTypedOnes() {
        assertThat(ErrorCode.UNKNOWN_TOPIC.exception("m")).isExactlyInstanceOf(UnknownTopicException.class);
        assertThat(ErrorCode.STORE_FAILED.exception("m")).isExactlyInstanceOf(StoreException.class);
        assertThat(ErrorCode.INVALID_ARGUMENT.exception("m")).isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(ErrorCode.FRAME_TOO_LARGE.exception("m")).isExactlyInstanceOf(ProtocolException.class);
        assertThat(ErrorCode.INTERNAL.exception("m")).isExactlyInstanceOf(SluiceException.class).hasMessage("INTERNAL: m");
    }

    @Test
    void theErrorsAfterWhichASendMayHaveStoredItsRecordsAreMarkedTheSameOnBothSidesOfTheWire() {
        assertThat(Arrays.stream(ErrorCode.values()).filter(c -> c.exception("m") instanceof OutcomeUnknown))
                .containsExactlyInAnyOrder(ErrorCode.STORE_FAILED, ErrorCode.CLOSED);
        assertThat(new StoreException("engine closed first", null).isOutcomeUnknown()).isTrue();
        assertThat(new DisconnectedException("delivery timeout", null).isOutcomeUnknown()).isTrue();
        assertThat(new UnknownTopicException("no such topic").isOutcomeUnknown()).isFalse();
        assertThat(new TopicFullException("full").isOutcomeUnknown()).isFalse();
    }

    /** Every exception type of this package (checked against the compiled package below). */
    private static final List<Class<? extends RuntimeException>> EXCEPTIONS = List.of(ClosedException.class,
            CorruptRecordException.class, DeserializationException.class, DisconnectedException.class,
            OutOfOrderSequenceException.class, ProtocolException.class,
            RecordTooLargeException.class, SluiceException.class, StoreException.class, TopicExistsException.class,
            TopicFullException.class, UnauthorizedException.class, UnknownGroupException.class, UnknownTopicException.class);

    @Test
    void retriableMarksExactlyTheErrorsAfterWhichTheSameOperationMaySucceedLater() throws Exception {
        Path compiled = Path.of(URI.create(SluiceException.class.getResource("SluiceException.class").toString())).getParent();
        try (Stream<Path> files = Files.list(compiled)) {
            assertThat(files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith("Exception.class") && !n.contains("$"))
                    .map(n -> n.substring(0, n.length() - ".class".length())))
                    .as("every exception type of io.sluice.errors is in EXCEPTIONS")
                    .containsExactlyInAnyOrderElementsOf(EXCEPTIONS.stream().map(Class::getSimpleName).collect(Collectors.toList()));
        }
        assertThat(EXCEPTIONS.stream().filter(Retriable.class::isAssignableFrom))
                .containsExactlyInAnyOrder(DisconnectedException.class, StoreException.class, TopicFullException.class);
        assertThat(Arrays.stream(ErrorCode.values()).filter(c -> c.exception("m") instanceof Retriable))
                .as("the same on both sides of the wire").containsExactlyInAnyOrder(ErrorCode.TOPIC_FULL, ErrorCode.STORE_FAILED);
        assertThat(new TopicFullException("full").isRetriable()).isTrue();
        assertThat(new DisconnectedException("lost", null).isRetriable()).isTrue();
        assertThat(new ClosedException("closed").isRetriable()).isFalse();
        assertThat(new UnknownTopicException("no such topic").isRetriable()).isFalse();
    }
}
