package io.sluice.spi;

import io.sluice.errors.RecordTooLargeException;
import io.sluice.errors.UnknownTopicException;
import io.sluice.log.RecordBatch;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import io.sluice.record.TopicPartition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The producer against a target whose acknowledgements the test gives by hand: while a partition has
 * {@code maxInFlight} batches unacknowledged, its open batch keeps filling instead of closing into small queued
 * ones, and the acknowledgement that frees the slot sends it whole. The target's batch limit
 * ({@link SendTarget.Topic#maxBatchBytes}) closes batches before they exceed it, and a record that cannot fit alone
 * fails its send before anything is appended. A partition that appends messages gets them unencoded, batched by the
 * same rules.
 */
class SendOperatorWindowTest {
    private final Scheduler sender = Schedulers.newSingle("window-test-send");
    private final List<Appended> appends = new CopyOnWriteArrayList<>();
    /** The target's {@link SendTarget.Topic#maxBatchBytes}. */
    private volatile int maxBatchBytes = RecordBatch.MAX_SIZE;
    /** When set, the partition's append throws it instead of recording the append. */
    private volatile RuntimeException appendThrows;

    /** When set, the partition appends messages unencoded ({@link SendTarget.Partition#appendsMessages}). */
    private volatile boolean appendsMessages;

    /** An append: of an encoded batch, or of {@code messages} when the partition appends them. */
    private record Appended(RecordBatch batch, MessageBatch messages, SendTarget.AppendCallback callback) {
    }

    @AfterEach
    void dispose() {
        sender.dispose();
    }

    /** One topic of one partition that records every append and acknowledges none by itself. */
    private final SendTarget target = new SendTarget() {
        private final Topic topic = new Topic() {
            private final Partition partition = new Partition() {
                @Override
                public TopicPartition tp() {
                    return new TopicPartition("t", 0);
                }

                @Override
                public void append(RecordBatch batch, Acks acks, AppendCallback callback) {
                    RuntimeException e = appendThrows;
                    if (e != null) {
                        throw e;
                    }
                    appends.add(new Appended(batch, null, callback));
                }

                @Override
                public boolean appendsMessages() {
                    return appendsMessages;
                }

                @Override
                public void append(MessageBatch messages, Acks acks, AppendCallback callback) {
                    appends.add(new Appended(null, messages, callback));
                }

                @Override
                public void countBytesIn(long bytes) {
                }
            };

            @Override
            public String name() {
                return "t";
            }

            @Override
            public int partitionCount() {
                return 1;
            }

            @Override
            public long maxBatchRecords() {
                return 100_000;
            }

            @Override
            public int maxBatchBytes() {
                return maxBatchBytes;
            }

            @Override
            public String maxBatchBytesReason() {
                return "the test's limit";
            }

            @Override
            public Partition partition(int index) {
                return partition;
            }

            @Override
            public void recordSendLatency(long nanos) {
            }
        };

        @Override
        public Topic topic(String name) {
            if (!name.equals("t")) {
                throw new UnknownTopicException(name);
            }
            return topic;
        }

        @Override
        public long clockMillis() {
            return 0;
        }

        @Override
        public Scheduler senderScheduler() {
            return sender;
        }

        @Override
        public long newProducerId() {
            return 7;
        }

        @Override
        public Throwable closedError() {
            return null;
        }
    };

    private static OutboundMessage<Integer> message(int i) {
        return OutboundMessage.of("t", (String) null, new byte[] {(byte) i}, i);
    }

    @Test
    void aTargetThatThrowsInsteadOfAnsweringFailsTheSendWithThatErrorInsteadOfLeavingItWaiting() {
        IllegalStateException bug = new IllegalStateException("the target's bug");
        appendThrows = bug;
        DefaultProducer producer = new DefaultProducer(target, ProducerOptions.create(), p -> { });

        StepVerifier.create(producer.send(reactor.core.publisher.Flux.range(0, 3).map(SendOperatorWindowTest::message)))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(bug))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void aFullWindowKeepsTheOpenBatchFillingAndItsAcknowledgementSendsItWhole() {
        DefaultProducer producer = new DefaultProducer(target, ProducerOptions.create().maxInFlight(1), p -> { });
        Sinks.Many<OutboundMessage<Integer>> upstream = Sinks.many().unicast().onBackpressureBuffer();
        List<SendResult<Integer>> results = new CopyOnWriteArrayList<>();
        producer.send(upstream.asFlux()).subscribe(results::add);

        upstream.tryEmitNext(message(0));
        StepVerifier.create(reactor.core.publisher.Flux.interval(Duration.ofMillis(1)).filter(t -> appends.size() == 1).next())
                .expectNextCount(1).expectComplete().verify(Duration.ofSeconds(10)); // the first record went out on the sender's turn
        for (int i = 1; i <= 500; i++) {
            upstream.tryEmitNext(message(i)); // the window is full: these join one open batch
        }
        assertThat(appends).hasSize(1);

        appends.get(0).callback().appended(0);
        assertThat(appends).as("the acknowledgement sent the batch that filled meanwhile").hasSize(2);
        assertThat(appends.get(1).batch().count()).isEqualTo(500);
        assertThat(appends.get(1).batch().baseSequence()).as("sequence numbers continue").isEqualTo(1);

        appends.get(1).callback().appended(1);
        upstream.tryEmitComplete();
        assertThat(results).hasSize(501);
        assertThat(results.get(500).offset()).isEqualTo(500);
    }

    @Test
    void aRecordThatCannotFitInABatchFailsTheSendNamingItsSizeAndTheLimitWithoutAppendingIt() {
        maxBatchBytes = 1_000;
        DefaultProducer producer = new DefaultProducer(target, ProducerOptions.create(), p -> { });

        StepVerifier.create(producer.send(OutboundMessage.of("t", (String) null, new byte[2_000], 1)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RecordTooLargeException.class)
                        .hasMessageStartingWith("record of 20")
                        .hasMessageContaining("topic 't'").hasMessageContaining("at most 1000 bytes").hasMessageContaining("the test's limit"))
                .verify(Duration.ofSeconds(10));
        assertThat(appends).as("nothing was appended").isEmpty();
    }

    @Test
    void batchesCloseBeforeTheyExceedTheTargetsLimitWhateverTheBatchSize() {
        maxBatchBytes = 1_000;
        DefaultProducer producer = new DefaultProducer(target, ProducerOptions.create().maxInFlight(1).batchSize(1 << 20), p -> { });
        Sinks.Many<OutboundMessage<Integer>> upstream = Sinks.many().unicast().onBackpressureBuffer();
        List<SendResult<Integer>> results = new CopyOnWriteArrayList<>();
        producer.send(upstream.asFlux()).subscribe(results::add);

        upstream.tryEmitNext(message(0));
        StepVerifier.create(reactor.core.publisher.Flux.interval(Duration.ofMillis(1)).filter(t -> appends.size() == 1).next())
                .expectNextCount(1).expectComplete().verify(Duration.ofSeconds(10));
        for (int i = 1; i <= 30; i++) { // the window is full: these fill batches of at most 1,000 bytes
            upstream.tryEmitNext(OutboundMessage.of("t", (String) null, new byte[100], i));
        }
        upstream.tryEmitComplete();
        for (int i = 0; i < appends.size(); i++) { // each acknowledgement sends the next batch
            appends.get(i).callback().appended(i * 1_000L);
        }

        assertThat(results).hasSize(31);
        assertThat(appends).as("batches").hasSizeGreaterThan(4)
                .allSatisfy(a -> assertThat(a.batch().sizeInBytes()).isLessThanOrEqualTo(1_000));
        assertThat(appends.stream().mapToInt(a -> a.batch().count()).sum()).isEqualTo(31);
    }

    @Test
    void aPartitionThatAppendsMessagesGetsTheSentMessagesUnencodedBatchedByTheSameRulesAndAnswersEachRecordsOffset() {
        appendsMessages = true;
        maxBatchBytes = 1_000;
        DefaultProducer producer = new DefaultProducer(target, ProducerOptions.create().maxInFlight(1), p -> { });
        Sinks.Many<OutboundMessage<Integer>> upstream = Sinks.many().unicast().onBackpressureBuffer();
        List<SendResult<Integer>> results = new CopyOnWriteArrayList<>();
        producer.send(upstream.asFlux()).subscribe(results::add);
        List<OutboundMessage<Integer>> sent = new java.util.ArrayList<>();

        sent.add(message(0));
        upstream.tryEmitNext(sent.get(0));
        StepVerifier.create(reactor.core.publisher.Flux.interval(Duration.ofMillis(1)).filter(t -> appends.size() == 1).next())
                .expectNextCount(1).expectComplete().verify(Duration.ofSeconds(10));
        for (int i = 1; i <= 30; i++) { // the window is full: these fill batches of at most 1,000 bytes, as they would encode
            sent.add(OutboundMessage.of("t", (String) null, new byte[100], i).withTimestamp(1_000 + i));
            upstream.tryEmitNext(sent.get(i));
        }
        upstream.tryEmitComplete();
        long offset = 0;
        for (int i = 0; i < appends.size(); i++) { // each acknowledgement sends the next batch; offsets with gaps between records
            MessageBatch batch = appends.get(i).messages();
            long[] offsets = new long[batch.count()];
            for (int r = 0; r < offsets.length; r++) {
                offsets[r] = offset;
                offset += 2;
            }
            appends.get(i).callback().appendedAt(offsets);
        }

        assertThat(appends).as("no batch was encoded").allSatisfy(a -> assertThat(a.batch()).isNull());
        assertThat(appends).as("batches").hasSizeGreaterThan(4).allSatisfy(a -> {
            long estimated = RecordBatch.HEADER_SIZE;
            for (int r = 0; r < a.messages().count(); r++) {
                OutboundMessage<?> m = a.messages().message(r);
                estimated += io.sluice.log.BatchBuilder.estimateSize(m.key(), m.value(), m.headers());
            }
            assertThat(estimated).isLessThanOrEqualTo(1_000);
        });
        List<OutboundMessage<?>> appended = new java.util.ArrayList<>();
        List<Long> timestamps = new java.util.ArrayList<>();
        for (Appended a : appends) {
            for (int r = 0; r < a.messages().count(); r++) {
                appended.add(a.messages().message(r));
                timestamps.add(a.messages().timestamp(r));
            }
        }
        assertThat(appended).as("the messages sent, themselves, in send order").containsExactlyElementsOf(sent);
        assertThat(timestamps.get(0)).as("stamped by the target's clock").isEqualTo(0);
        assertThat(timestamps.get(30)).as("its own timestamp").isEqualTo(1_030);
        assertThat(results).hasSize(31);
        assertThat(results.get(30).offset()).as("each record's own offset").isEqualTo(60);
        assertThat(results.get(30).correlation()).isEqualTo(30);
    }
}
