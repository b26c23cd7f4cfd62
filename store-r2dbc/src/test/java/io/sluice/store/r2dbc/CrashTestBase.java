package io.sluice.store.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicDescription;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.record.Record;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * Kill -9 in the middle of producing: a child JVM ({@link CrashProducer}) produces with {@code Acks.STORED} and
 * prints every acknowledged offset; the test kills it with SIGKILL once it has seen {@link #ACKS} acknowledgements,
 * reopens the store in a new engine and checks that every acknowledged record is there with its exact bytes, and
 * that each partition's offsets are dense from 0 to its end, with no gap and no duplicate. One subclass per store.
 */
abstract class CrashTestBase {
    private static final int ACKS = 20_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** The child's store arguments: {@code h2 <file>} or {@code postgres <url>}. */
    protected abstract List<String> storeArguments();

    /** The same store, opened again in this process. */
    protected abstract R2dbcStore reopen();

    @Test
    void everyAcknowledgedRecordSurvivesAKill9WithDenseOffsets() throws Exception {
        String topic = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), CrashProducer.class.getName()));
        command.addAll(storeArguments());
        command.add(topic);
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // a watchdog: a child that hangs is killed, which ends its output and fails the count below
        CompletableFuture.delayedExecutor(TIMEOUT.toSeconds(), TimeUnit.SECONDS).execute(child::destroyForcibly);
        Map<Long, long[]> acked = new HashMap<>(); // seq -> partition, offset
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acked.size() < ACKS && (line = in.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    String[] f = line.split(" ");
                    acked.put(Long.parseLong(f[3]), new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // lines the child printed after those we read were acknowledged too, but the JDK may have closed the pipe
            // on the child's exit: the acknowledgements read so far are the ones checked
            try {
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        String[] f = line.split(" ");
                        acked.put(Long.parseLong(f[3]), new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                    }
                }
            } catch (IOException closedOnExit) {
                // nothing more to read
            }
        } catch (IOException | RuntimeException | Error e) {
            child.destroyForcibly();
            throw e;
        }
        System.out.printf("crash test %s: %,d records acknowledged before the kill%n", getClass().getSimpleName(), acked.size());
        assertThat(acked.size()).isGreaterThanOrEqualTo(ACKS);

        R2dbcStore store = reopen();
        try (Sluice sluice = Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).name("after-crash"))) {
            TopicDescription d = sluice.admin().describeTopic(topic).block(TIMEOUT);
            assertThat(d).isNotNull();
            long total = d.partitions().stream().mapToLong(TopicDescription.PartitionInfo::endOffset).sum();
            for (TopicDescription.PartitionInfo p : d.partitions()) {
                assertThat(p.startOffset()).isZero();
            }
            Map<Integer, List<Long>> offsets = new HashMap<>();
            Map<Long, Record> bySeq = new HashMap<>();
            StepVerifier.create(sluice.consumer(ConsumerOptions.create("check").topics(topic)).receiveAutoAck().take(total))
                    .thenConsumeWhile(r -> {
                        offsets.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.offset());
                        long seq = java.nio.ByteBuffer.wrap(r.value()).getLong();
                        assertThat(bySeq.put(seq, r)).as("record %d stored once", seq).isNull();
                        return true;
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            for (Map.Entry<Integer, List<Long>> e : offsets.entrySet()) {
                List<Long> os = e.getValue();
                for (int i = 0; i < os.size(); i++) {
                    assertThat(os.get(i)).as("partition %d is dense", e.getKey()).isEqualTo(i);
                }
            }
            for (Map.Entry<Long, long[]> a : acked.entrySet()) {
                Record r = bySeq.get(a.getKey());
                assertThat(r).as("acknowledged record %d", a.getKey()).isNotNull();
                assertThat(r.partition()).isEqualTo((int) a.getValue()[0]);
                assertThat(r.offset()).isEqualTo(a.getValue()[1]);
                assertThat(r.value()).isEqualTo(CrashProducer.value(a.getKey()));
            }
        }
    }
}
