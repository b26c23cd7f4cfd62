package io.sluice.node;

import io.sluice.admin.GroupDescription;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.producer.Acks;
import io.sluice.producer.ProducerOptions;
import io.sluice.store.r2dbc.StoreSpec;
import io.sluice.testing.Messages;
import io.sluice.transport.netty.ClientOptions;
import io.sluice.transport.netty.NettySluice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;
import static io.sluice.testing.Messages.seq;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code --store h2:<dir>}: the node keeps its topics, records and committed positions across a restart in process. */
class SluiceNodeH2Test {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static RunningNode start(Path dir) {
        return SluiceNode.parse("--port", "0", "--http-port", "0", "--store", "h2:" + dir).start();
    }

    private static NettySluice connect(RunningNode node) {
        return NettySluice.connect(ClientOptions.create().address(node.host(), node.port()));
    }

    @Test
    void recordsAndCommittedPositionsSurviveARestartOfTheNode(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        try (RunningNode first = start(dir); NettySluice client = connect(first)) {
            StepVerifier.create(client.admin().createTopic(TopicSpec.of("orders").partitions(2))).verifyComplete();
            StepVerifier.create(client.producer(ProducerOptions.create().acks(Acks.STORED))
                            .send(Messages.sequence("orders", 300, i -> "k" + i % 5)))
                    .expectNextCount(300)
                    .expectComplete()
                    .verify(TIMEOUT);
            // a group acknowledges everything, committing as it goes
            StepVerifier.create(client.consumer(ConsumerOptions.create("billing").topics("orders").commitInterval(Duration.ZERO))
                            .receive().take(300))
                    .thenConsumeWhile(d -> {
                        d.ack();
                        return true;
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            Http health = Http.get(first.httpPort(), "/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body()).contains("\"store\":\"h2:" + dir.toAbsolutePath().normalize() + "\"");
        }
        assertThat(dir.resolve(StoreSpec.H2_FILE + ".mv.db")).isRegularFile();

        try (RunningNode second = start(dir); NettySluice client = connect(second)) {
            TopicDescription orders = client.admin().describeTopic("orders").block(TIMEOUT);
            assertThat(orders).isNotNull();
            List<Long> endOffsets = orders.partitions().stream().map(TopicDescription.PartitionInfo::endOffset).toList();
            assertThat(endOffsets.stream().mapToLong(Long::longValue).sum()).isEqualTo(300L);

            List<Long> seqs = new ArrayList<>();
            StepVerifier.create(client.consumer(ConsumerOptions.create("audit").topics("orders")).receiveAutoAck().take(300))
                    .thenConsumeWhile(r -> {
                        assertThat(r.value()).isEqualTo(Messages.value(seq(r), r.value().length));
                        return seqs.add(seq(r));
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(seqs).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 300).boxed().toList());

            // billing committed all 300 before the restart: its positions are the end offsets, nothing lags
            StepVerifier.create(client.admin().describeGroup("billing"))
                    .assertNext(g -> {
                        assertThat(g.partitions()).extracting(GroupDescription.PartitionLag::committedOffset)
                                .containsExactlyInAnyOrderElementsOf(endOffsets);
                        assertThat(g.totalLag()).isZero();
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
        }
    }
}
