package io.sluice.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sluice.producer.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PartitionersTest {

    private static OutboundMessage<Void> message(String topic) {
        return OutboundMessage.of(topic, new byte[] {1});
    }

    private static OutboundMessage<Void> message(String topic, String key) {
        return OutboundMessage.of(topic, key, new byte[] {1}, null);
    }

    private static long[] count(int partitions, int calls, IntSupplier partitioner) {
        long[] counts = new long[partitions];
        for (int i = 0; i < calls; i++) {
            counts[partitioner.getAsInt()]++;
        }
        return counts;
    }

    /** Runs {@code calls} partition() calls on each of {@code threads} threads at once; counts per partition. */
    private static long[] countConcurrently(int threads, int calls, int partitions, IntSupplier partitioner)
            throws InterruptedException {
        AtomicLongArray counts = new AtomicLongArray(partitions);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < calls; i++) {
                        counts.incrementAndGet(partitioner.getAsInt());
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(failure.get()).isNull();
        long[] result = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            result[p] = counts.get(p);
        }
        return result;
    }

    @Nested
    class Weighted {

        @Test
        void gives_each_partition_its_share_of_a_million_records_within_two_percent() {
            Partitioner weighted = Partitioners.weighted(1, 2, 3, 4);
            OutboundMessage<Void> msg = message("orders");

            long[] counts = count(4, 1_000_000, () -> weighted.partition(msg, 4));

            for (int p = 0; p < 4; p++) {
                double expected = 1_000_000 * (p + 1) / 10.0;
                assertThat((double) counts[p]).as("partition %d", p).isCloseTo(expected, within(expected * 0.02));
            }
        }

        @Test
        void is_exact_after_every_full_cycle_of_integer_weights() {
            Partitioner weighted = Partitioners.weighted(1, 2, 3, 4);
            OutboundMessage<Void> msg = message("orders");
            long[] counts = new long[4];

            for (int cycle = 1; cycle <= 1000; cycle++) {
                for (int i = 0; i < 10; i++) {
                    counts[weighted.partition(msg, 4)]++;
                }
                assertThat(counts).as("after cycle %d", cycle).containsExactly(cycle, 2L * cycle, 3L * cycle, 4L * cycle);
            }
        }

        @Test
        void interleaves_partitions_smoothly_instead_of_sending_bursts() {
            Partitioner weighted = Partitioners.weighted(5, 1, 1);
            OutboundMessage<Void> msg = message("orders");

            List<Integer> picks = new ArrayList<>();
            for (int i = 0; i < 14; i++) {
                picks.add(weighted.partition(msg, 3));
            }

            assertThat(picks).containsExactly(0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0);
        }

        @Test
        void keeps_exact_proportions_when_many_threads_share_one_instance() throws InterruptedException {
            Partitioner weighted = Partitioners.weighted(1, 2, 3, 4);
            OutboundMessage<Void> msg = message("orders");

            long[] counts = countConcurrently(8, 12_500, 4, () -> weighted.partition(msg, 4));

            assertThat(counts).containsExactly(10_000, 20_000, 30_000, 40_000);
        }

        @Test
        void keeps_a_separate_cycle_per_topic() {
            Partitioner weighted = Partitioners.weighted(5, 1, 1);
            List<Integer> a = new ArrayList<>();
            List<Integer> b = new ArrayList<>();

            for (int i = 0; i < 7; i++) {
                a.add(weighted.partition(message("a"), 3));
                a.add(weighted.partition(message("a"), 3));
                b.add(weighted.partition(message("b"), 3));
            }

            assertThat(b).containsExactly(0, 0, 1, 0, 2, 0, 0);
            assertThat(a.subList(0, 7)).containsExactly(0, 0, 1, 0, 2, 0, 0);
        }

        @Test
        void supports_fractional_weights() {
            Partitioner weighted = Partitioners.weighted(0.1, 0.2, 0.7);
            OutboundMessage<Void> msg = message("orders");

            long[] counts = count(3, 100_000, () -> weighted.partition(msg, 3));

            assertThat(counts[0]).isBetween(9_990L, 10_010L);
            assertThat(counts[1]).isBetween(19_990L, 20_010L);
            assertThat(counts[2]).isBetween(69_990L, 70_010L);
        }

        @Test
        void rejects_a_topic_whose_partition_count_differs_from_the_weights_naming_topic_and_counts() {
            Partitioner weighted = Partitioners.weighted(1, 2, 3);

            assertThatThrownBy(() -> weighted.partition(message("payments"), 4))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("payments")
                    .hasMessageContaining("3 weights")
                    .hasMessageContaining("4 partitions");
        }

        @Test
        void rejects_bad_weights_naming_the_index() {
            assertThatThrownBy(() -> Partitioners.weighted(1, 2, -1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("weights[2]")
                    .hasMessageContaining("> 0, was -1.0");
            assertThatThrownBy(() -> Partitioners.weighted(0, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weights[0]").hasMessageContaining("was 0.0");
            assertThatThrownBy(() -> Partitioners.weighted(1, Double.NaN))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weights[1]").hasMessageContaining("NaN");
            assertThatThrownBy(() -> Partitioners.weighted(1, 1, Double.POSITIVE_INFINITY))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weights[2]").hasMessageContaining("Infinity");
        }

        @Test
        void rejects_null_or_empty_weights() {
            assertThatThrownBy(() -> Partitioners.weighted((double[]) null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("weights must not be null");
            assertThatThrownBy(Partitioners::weighted)
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("weights must not be empty");
        }

        @Test
        void copies_the_weights_and_describes_them() {
            double[] weights = {1, 2, 3};
            Partitioner weighted = Partitioners.weighted(weights);
            weights[0] = 100;

            assertThat(weighted).hasToString("weighted[1.0, 2.0, 3.0]");
        }
    }

    @Nested
    class RoundRobin {

        @Test
        void cycles_through_the_partitions_in_order() {
            Partitioner roundRobin = Partitioners.roundRobin();
            List<Integer> picks = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                picks.add(roundRobin.partition(message("orders", "same-key"), 3));
            }

            assertThat(picks).containsExactly(0, 1, 2, 0, 1, 2, 0);
        }

        @Test
        void is_exactly_even_over_a_multiple_of_the_partition_count() {
            Partitioner roundRobin = Partitioners.roundRobin();
            OutboundMessage<Void> msg = message("orders");

            assertThat(count(5, 1000, () -> roundRobin.partition(msg, 5))).containsOnly(200);
        }

        @Test
        void is_exactly_even_when_many_threads_share_one_instance() throws InterruptedException {
            Partitioner roundRobin = Partitioners.roundRobin();
            OutboundMessage<Void> msg = message("orders");

            assertThat(countConcurrently(8, 10_000, 8, () -> roundRobin.partition(msg, 8))).containsOnly(10_000);
        }

        @Test
        void keeps_a_separate_cycle_per_topic() {
            Partitioner roundRobin = Partitioners.roundRobin();
            roundRobin.partition(message("a"), 4);
            roundRobin.partition(message("a"), 4);

            assertThat(roundRobin.partition(message("b"), 4)).isZero();
            assertThat(roundRobin.partition(message("a"), 4)).isEqualTo(2);
            assertThat(roundRobin).hasToString("roundRobin");
        }
    }

    @Nested
    class Random {

        @Test
        void covers_all_partitions_roughly_evenly() {
            Partitioner random = Partitioners.random();
            OutboundMessage<Void> msg = message("orders");

            long[] counts = count(4, 400_000, () -> random.partition(msg, 4));

            // Each count is binomial(400000, 1/4): sd ~ 274, so 10% (10,000) is over 36 sd away.
            for (long c : counts) {
                assertThat((double) c).isCloseTo(100_000, within(10_000.0));
            }
            assertThat(random).hasToString("random");
        }

        @Test
        void stays_in_range_for_a_single_partition() {
            Partitioner random = Partitioners.random();

            assertThat(count(1, 1000, () -> random.partition(message("orders"), 1))).containsExactly(1000);
        }
    }

    @Nested
    class Sticky {

        @Test
        void stays_on_one_partition_until_its_batch_is_closed_then_moves_to_another() {
            Partitioner sticky = Partitioners.sticky();
            OutboundMessage<Void> msg = message("orders");
            int first = sticky.partition(msg, 5);

            assertThat(count(5, 1000, () -> sticky.partition(msg, 5))[first]).isEqualTo(1000);

            sticky.onBatchClosed("orders", first);
            int second = sticky.partition(msg, 5);

            assertThat(second).isNotEqualTo(first).isBetween(0, 4);
            assertThat(count(5, 1000, () -> sticky.partition(msg, 5))[second]).isEqualTo(1000);
        }

        @Test
        void ignores_the_close_of_a_batch_it_is_not_sticking_to() {
            Partitioner sticky = Partitioners.sticky();
            OutboundMessage<Void> msg = message("orders");
            int current = sticky.partition(msg, 5);

            sticky.onBatchClosed("orders", (current + 1) % 5);
            sticky.onBatchClosed("other-topic", current);

            assertThat(sticky.partition(msg, 5)).isEqualTo(current);
        }

        @Test
        void always_moves_to_a_different_partition_and_eventually_visits_them_all() {
            Partitioner sticky = Partitioners.sticky();
            OutboundMessage<Void> msg = message("orders");
            Set<Integer> visited = new HashSet<>();
            int current = sticky.partition(msg, 5);
            visited.add(current);

            for (int i = 0; i < 200; i++) {
                sticky.onBatchClosed("orders", current);
                int next = sticky.partition(msg, 5);
                assertThat(next).isNotEqualTo(current).isBetween(0, 4);
                visited.add(next);
                current = next;
            }

            assertThat(visited).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        }

        @Test
        void keeps_a_separate_partition_per_topic() {
            Partitioner sticky = Partitioners.sticky();
            int a = sticky.partition(message("a"), 1000);
            int b = sticky.partition(message("b"), 1000);

            sticky.onBatchClosed("a", a);

            assertThat(sticky.partition(message("a"), 1000)).isNotEqualTo(a);
            assertThat(sticky.partition(message("b"), 1000)).isEqualTo(b);
        }

        @Test
        void stays_on_the_only_partition_of_a_single_partition_topic() {
            Partitioner sticky = Partitioners.sticky();
            assertThat(sticky.partition(message("orders"), 1)).isZero();

            sticky.onBatchClosed("orders", 0);

            assertThat(sticky.partition(message("orders"), 1)).isZero();
            assertThat(sticky).hasToString("sticky");
        }

        @Test
        void chooses_again_when_the_topic_shrinks_below_its_partition() {
            Partitioner sticky = Partitioners.sticky();
            sticky.partition(message("orders"), 1000);

            assertThat(count(3, 100, () -> sticky.partition(message("orders"), 3))).contains(100L);
        }
    }

    @Nested
    class KeyHash {

        @Test
        void murmur2_matches_kafkas_published_test_vectors() {
            Map<String, Integer> vectors = new LinkedHashMap<>();
            vectors.put("21", -973932308);
            vectors.put("foobar", -790332482);
            vectors.put("a-little-bit-long-string", -985981536);
            vectors.put("a-little-bit-longer-string", -1486304829);
            vectors.put("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971);
            vectors.put("abc", 479470107);

            vectors.forEach((input, expected) ->
                    assertThat(Partitioners.murmur2(input.getBytes(StandardCharsets.UTF_8))).as(input).isEqualTo(expected));
        }

        @Test
        void murmur2_rejects_null() {
            assertThatThrownBy(() -> Partitioners.murmur2(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("data must not be null");
        }

        @Test
        void places_a_keyed_record_where_kafka_would() {
            Partitioner keyHash = Partitioners.keyHash();

            // (-790332482 & 0x7fffffff) % 50 == 1357151166 % 50 == 16
            assertThat(keyHash.partition(message("orders", "foobar"), 50)).isEqualTo(16);
            // murmur2("21") is negative: the sign bit is cleared, not negated
            assertThat(keyHash.partition(message("orders", "21"), 7)).isEqualTo((-973932308 & 0x7fffffff) % 7);
        }

        @Test
        void sends_the_same_key_to_the_same_partition_from_any_instance_and_topic() {
            Partitioner one = Partitioners.keyHash();
            Partitioner other = Partitioners.keyHash();

            for (int k = 0; k < 1000; k++) {
                String key = "customer-" + k;
                int p = one.partition(message("orders", key), 12);
                assertThat(p).isBetween(0, 11);
                assertThat(one.partition(message("orders", key), 12)).isEqualTo(p);
                assertThat(other.partition(message("invoices", key), 12)).isEqualTo(p);
                one.onBatchClosed("orders", p);
            }
        }

        @Test
        void spreads_distinct_keys_over_all_partitions() {
            Partitioner keyHash = Partitioners.keyHash();
            long[] counts = new long[8];
            for (int k = 0; k < 8000; k++) {
                counts[keyHash.partition(message("orders", "key-" + k), 8)]++;
            }

            for (long c : counts) {
                assertThat(c).isBetween(700L, 1300L);
            }
        }

        @Test
        void sticks_to_one_partition_for_records_without_a_key_until_the_batch_closes() {
            Partitioner keyHash = Partitioners.keyHash();
            OutboundMessage<Void> unkeyed = message("orders");
            int first = keyHash.partition(unkeyed, 6);

            assertThat(count(6, 500, () -> keyHash.partition(unkeyed, 6))[first]).isEqualTo(500);

            keyHash.onBatchClosed("orders", first);

            assertThat(keyHash.partition(unkeyed, 6)).isNotEqualTo(first);
            assertThat(keyHash).hasToString("keyHash");
        }
    }

    @Test
    void a_custom_lambda_partitioner_works_through_the_interface() {
        Partitioner byFirstKeyByte = (message, partitions) -> message.key()[0] % partitions;
        OutboundMessage<Void> msg = OutboundMessage.of("orders", new byte[] {7}, new byte[] {1}, null);

        byFirstKeyByte.onBatchClosed("orders", 0); // the default does nothing

        assertThat(byFirstKeyByte.partition(msg, 4)).isEqualTo(3);
        assertThat(byFirstKeyByte.partition(msg, 10)).isEqualTo(7);
    }
}
