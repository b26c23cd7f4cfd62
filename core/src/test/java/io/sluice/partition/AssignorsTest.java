package io.sluice.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.partition.Assignor.Member;
import io.sluice.record.TopicPartition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AssignorsTest {

    private static final List<Assignor> ALL =
            List.of(Assignors.range(), Assignors.roundRobin(), Assignors.sticky(), Assignors.weighted());

    private static Member member(String id, String... topics) {
        return new Member(id, 1.0, Set.of(topics));
    }

    private static Member member(String id, double weight, String... topics) {
        return new Member(id, weight, Set.of(topics));
    }

    private static List<TopicPartition> partitions(String topic, int... numbers) {
        List<TopicPartition> list = new ArrayList<>();
        for (int n : numbers) {
            list.add(TopicPartition.of(topic, n));
        }
        return list;
    }

    private static List<TopicPartition> range(String topic, int from, int toExclusive) {
        List<TopicPartition> list = new ArrayList<>();
        for (int p = from; p < toExclusive; p++) {
            list.add(TopicPartition.of(topic, p));
        }
        return list;
    }

    private static Map<TopicPartition, String> owners(Map<String, List<TopicPartition>> assignment) {
        Map<TopicPartition, String> owners = new HashMap<>();
        assignment.forEach((id, tps) -> tps.forEach(tp -> owners.put(tp, id)));
        return owners;
    }

    private static int moved(Map<String, List<TopicPartition>> before, Map<String, List<TopicPartition>> after) {
        Map<TopicPartition, String> was = owners(before);
        Map<TopicPartition, String> is = owners(after);
        int moved = 0;
        for (Map.Entry<TopicPartition, String> e : is.entrySet()) {
            if (!e.getValue().equals(was.get(e.getKey()))) {
                moved++;
            }
        }
        return moved;
    }

    private static List<Integer> sizes(Map<String, List<TopicPartition>> assignment) {
        return assignment.values().stream().map(List::size).toList();
    }

    /** The invariants every assignor must keep, whatever the input. */
    private static void assertValid(Assignor assignor, List<Member> members, Map<String, Integer> partitionsPerTopic,
                                    Map<String, List<TopicPartition>> assignment, String context) {
        String as = assignor + " " + context;
        assertThat(assignment.keySet()).as(as).containsExactlyInAnyOrderElementsOf(members.stream().map(Member::id).toList());

        Map<String, Member> byId = new HashMap<>();
        members.forEach(m -> byId.put(m.id(), m));
        Set<TopicPartition> seen = new HashSet<>();
        assignment.forEach((id, tps) -> {
            assertThat(tps).as(as + " sorted list of " + id).isSortedAccordingTo(TopicPartition::compareTo);
            for (TopicPartition tp : tps) {
                assertThat(seen.add(tp)).as(as + " " + tp + " assigned once").isTrue();
                assertThat(byId.get(id).topics()).as(as + " " + id + " subscribes to " + tp.topic()).contains(tp.topic());
                assertThat(tp.partition()).as(as + " " + tp + " exists").isLessThan(partitionsPerTopic.get(tp.topic()));
            }
        });

        Set<TopicPartition> expected = new HashSet<>();
        partitionsPerTopic.forEach((topic, count) -> {
            if (members.stream().anyMatch(m -> m.topics().contains(topic))) {
                expected.addAll(range(topic, 0, count));
            }
        });
        assertThat(seen).as(as + " assigns every subscribed partition and nothing else").isEqualTo(expected);
    }

    @Test
    void every_assignor_keeps_the_invariants_on_500_random_groups() {
        Random random = new Random(0x5eed_2024L);
        List<String> pool = List.of("alpha", "beta", "gamma");

        for (int c = 0; c < 500; c++) {
            Map<String, Integer> partitionsPerTopic = new LinkedHashMap<>();
            int topics = 1 + random.nextInt(3);
            for (int t = 0; t < topics; t++) {
                partitionsPerTopic.put(pool.get(t), 1 + random.nextInt(20));
            }
            if (random.nextInt(4) == 0) {
                partitionsPerTopic.put("nobody-reads-this", 1 + random.nextInt(5));
            }
            boolean sameTopics = random.nextInt(3) == 0;
            Set<String> shared = randomTopics(random, pool.subList(0, topics));
            List<Member> members = new ArrayList<>();
            int memberCount = 1 + random.nextInt(8);
            for (int m = 0; m < memberCount; m++) {
                Set<String> subscribed = sameTopics ? shared : randomTopics(random, pool.subList(0, topics));
                members.add(new Member("m" + m, 0.25 + random.nextDouble() * 4, subscribed));
            }
            Collections.shuffle(members, random); // the interface promises sorted members; do not rely on it
            Map<String, List<TopicPartition>> previous = randomPrevious(random, members, partitionsPerTopic);
            String context = "case " + c + ": members=" + members + " topics=" + partitionsPerTopic + " previous=" + previous;

            for (Assignor assignor : ALL) {
                Map<String, List<TopicPartition>> first = assignor.assign(members, partitionsPerTopic, previous);
                assertValid(assignor, members, partitionsPerTopic, first, context);

                List<Member> reordered = new ArrayList<>(members);
                Collections.shuffle(reordered, random);
                assertThat(assignor.assign(reordered, partitionsPerTopic, previous)).as(assignor + " deterministic, " + context)
                        .isEqualTo(first);

                if (sameTopics && !(assignor.toString().equals("range") || assignor.toString().equals("weighted"))) {
                    List<Integer> sizes = sizes(first);
                    assertThat(Collections.max(sizes) - Collections.min(sizes)).as(assignor + " balanced, " + context)
                            .isLessThanOrEqualTo(1);
                }
            }

            Map<String, List<TopicPartition>> sticky = Assignors.sticky().assign(members, partitionsPerTopic, previous);
            assertThat(Assignors.sticky().assign(members, partitionsPerTopic, sticky))
                    .as("sticky is stable when nothing changes, " + context).isEqualTo(sticky);
        }
    }

    private static Set<String> randomTopics(Random random, List<String> topics) {
        Set<String> chosen = new TreeSet<>();
        chosen.add(topics.get(random.nextInt(topics.size())));
        for (String t : topics) {
            if (random.nextBoolean()) {
                chosen.add(t);
            }
        }
        return chosen;
    }

    /** A previous generation with stale entries: departed members, vanished partitions, duplicates. */
    private static Map<String, List<TopicPartition>> randomPrevious(Random random, List<Member> members,
                                                                    Map<String, Integer> partitionsPerTopic) {
        Map<String, List<TopicPartition>> previous = new HashMap<>();
        if (random.nextInt(4) == 0) {
            return previous;
        }
        List<String> ids = new ArrayList<>(members.stream().map(Member::id).toList());
        ids.add("departed");
        partitionsPerTopic.forEach((topic, count) -> {
            for (int p = 0; p < count + random.nextInt(3); p++) {
                String owner = ids.get(random.nextInt(ids.size()));
                previous.computeIfAbsent(owner, k -> new ArrayList<>()).add(TopicPartition.of(topic, p));
                if (random.nextInt(10) == 0) {
                    String second = ids.get(random.nextInt(ids.size()));
                    previous.computeIfAbsent(second, k -> new ArrayList<>()).add(TopicPartition.of(topic, p));
                }
            }
        });
        return previous;
    }

    @Test
    void every_assignor_lists_members_without_partitions_and_leaves_unsubscribed_topics_alone() {
        List<Member> members = List.of(member("a", "orders"), member("b", "payments"), member("c"));
        Map<String, Integer> topics = Map.of("orders", 2, "payments", 0, "audit", 4);

        for (Assignor assignor : ALL) {
            Map<String, List<TopicPartition>> result = assignor.assign(members, topics, Map.of());

            assertThat(result).as(assignor.toString()).containsOnlyKeys("a", "b", "c");
            assertThat(result.get("a")).as(assignor.toString()).isEqualTo(partitions("orders", 0, 1));
            assertThat(result.get("b")).as(assignor.toString()).isEmpty();
            assertThat(result.get("c")).as(assignor.toString()).isEmpty();
        }
    }

    @Test
    void every_assignor_gives_an_empty_group_an_empty_assignment() {
        for (Assignor assignor : ALL) {
            assertThat(assignor.assign(List.of(), Map.of("orders", 3), Map.of())).as(assignor.toString()).isEmpty();
        }
    }

    @Test
    void every_assignor_rejects_null_or_inconsistent_arguments_naming_them() {
        List<Member> members = List.of(member("a", "orders"));
        Map<String, Integer> topics = Map.of("orders", 3);
        Map<String, Integer> nullCount = new HashMap<>();
        nullCount.put("orders", null);
        List<Member> withNull = new ArrayList<>();
        withNull.add(member("a", "orders"));
        withNull.add(null);

        for (Assignor assignor : ALL) {
            assertThatThrownBy(() -> assignor.assign(null, topics, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("members must not be null");
            assertThatThrownBy(() -> assignor.assign(members, null, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("partitionsPerTopic must not be null");
            assertThatThrownBy(() -> assignor.assign(members, topics, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("previous must not be null");
            assertThatThrownBy(() -> assignor.assign(withNull, topics, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("members[1] must not be null");
            assertThatThrownBy(() -> assignor.assign(List.of(member("a", "orders"), member("a")), topics, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a\" appears twice");
            assertThatThrownBy(() -> assignor.assign(members, nullCount, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("partitionsPerTopic[orders] must not be null");
            assertThatThrownBy(() -> assignor.assign(members, Map.of("orders", -1), Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitionsPerTopic[orders] must be >= 0");
        }
    }

    @Test
    void assignors_describe_themselves() {
        assertThat(ALL).extracting(Object::toString).containsExactly("range", "roundRobin", "sticky", "weighted");
    }

    @Nested
    class Range {

        @Test
        void matches_kafkas_example_of_two_members_and_three_partitions() {
            Map<String, List<TopicPartition>> result =
                    Assignors.range().assign(List.of(member("c0", "t0"), member("c1", "t0")), Map.of("t0", 3), Map.of());

            assertThat(result).containsExactly(
                    Map.entry("c0", partitions("t0", 0, 1)),
                    Map.entry("c1", partitions("t0", 2)));
        }

        @Test
        void gives_the_extra_partitions_of_every_topic_to_the_first_members() {
            List<Member> members = List.of(member("c1", "t0", "t1"), member("c0", "t0", "t1"));
            Map<String, List<TopicPartition>> result = Assignors.range().assign(members, Map.of("t0", 3, "t1", 3), Map.of());

            List<TopicPartition> c0 = new ArrayList<>(partitions("t0", 0, 1));
            c0.addAll(partitions("t1", 0, 1));
            List<TopicPartition> c1 = new ArrayList<>(partitions("t0", 2));
            c1.addAll(partitions("t1", 2));
            assertThat(result).containsEntry("c0", c0).containsEntry("c1", c1);
        }

        @Test
        void shares_a_topic_only_among_its_subscribers() {
            List<Member> members = List.of(member("a", "t0"), member("b", "t1"), member("c", "t0"));
            Map<String, List<TopicPartition>> result = Assignors.range().assign(members, Map.of("t0", 5, "t1", 2), Map.of());

            assertThat(result).containsEntry("a", range("t0", 0, 3))
                    .containsEntry("b", range("t1", 0, 2))
                    .containsEntry("c", range("t0", 3, 5));
        }
    }

    @Nested
    class RoundRobin {

        @Test
        void matches_kafkas_example_of_two_members_and_two_topics() {
            List<Member> members = List.of(member("c0", "t0", "t1"), member("c1", "t0", "t1"));
            Map<String, List<TopicPartition>> result =
                    Assignors.roundRobin().assign(members, Map.of("t0", 3, "t1", 3), Map.of());

            List<TopicPartition> c0 = new ArrayList<>(partitions("t0", 0, 2));
            c0.addAll(partitions("t1", 1));
            List<TopicPartition> c1 = new ArrayList<>(partitions("t0", 1));
            c1.addAll(partitions("t1", 0, 2));
            assertThat(result).containsExactly(Map.entry("c0", c0), Map.entry("c1", c1));
        }

        @Test
        void skips_members_that_do_not_subscribe_to_the_topic() {
            List<Member> members = List.of(member("a", "t0"), member("b", "t0", "t1"), member("c", "t1"));
            Map<String, List<TopicPartition>> result =
                    Assignors.roundRobin().assign(members, Map.of("t0", 2, "t1", 2), Map.of());

            assertThat(result).containsEntry("a", partitions("t0", 0))
                    .containsEntry("b", List.of(TopicPartition.of("t0", 1), TopicPartition.of("t1", 1)))
                    .containsEntry("c", partitions("t1", 0));
        }
    }

    @Nested
    class Sticky {

        private final Assignor sticky = Assignors.sticky();
        private final Map<String, Integer> topics = Map.of("orders", 7, "payments", 5);

        private List<Member> group(String... ids) {
            List<Member> members = new ArrayList<>();
            for (String id : ids) {
                members.add(member(id, "orders", "payments"));
            }
            return members;
        }

        @Test
        void a_fourth_member_takes_three_of_twelve_partitions_and_nothing_else_moves() {
            Map<String, List<TopicPartition>> before = sticky.assign(group("a", "b", "c"), topics, Map.of());
            assertThat(sizes(before)).containsExactly(4, 4, 4);

            Map<String, List<TopicPartition>> after = sticky.assign(group("a", "b", "c", "d"), topics, before);

            assertThat(sizes(after)).containsExactly(3, 3, 3, 3);
            assertThat(moved(before, after)).isLessThanOrEqualTo(3);
            for (String id : List.of("a", "b", "c")) {
                assertThat(before.get(id)).as(id + " only gives partitions away").containsAll(after.get(id));
            }
        }

        @Test
        void a_departing_member_hands_over_only_its_own_partitions() {
            Map<String, List<TopicPartition>> before = sticky.assign(group("a", "b", "c", "d"), topics, Map.of());

            Map<String, List<TopicPartition>> after = sticky.assign(group("a", "c", "d"), topics, before);

            assertThat(sizes(after)).containsExactly(4, 4, 4);
            Map<TopicPartition, String> was = owners(before);
            owners(after).forEach((tp, owner) -> {
                if (!was.get(tp).equals("b")) {
                    assertThat(owner).as(tp + " stays put").isEqualTo(was.get(tp));
                }
            });
        }

        @Test
        void a_member_joining_a_larger_group_moves_about_its_fair_share() {
            Map<String, Integer> many = Map.of("orders", 64, "payments", 36);
            List<Member> ten = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ten.add(member("m" + i, "orders", "payments"));
            }
            Map<String, List<TopicPartition>> before = sticky.assign(ten, many, Map.of());
            List<Member> eleven = new ArrayList<>(ten);
            eleven.add(member("new", "orders", "payments"));

            Map<String, List<TopicPartition>> after = sticky.assign(eleven, many, before);

            assertThat(moved(before, after)).isLessThanOrEqualTo((100 + 10) / 11);
            assertThat(after.get("new")).hasSize(9);
            List<Integer> sizes = sizes(after);
            assertThat(Collections.max(sizes) - Collections.min(sizes)).isLessThanOrEqualTo(1);
        }

        @Test
        void keeps_partitions_with_owners_that_are_still_eligible_even_if_the_previous_assignment_was_not_its_own() {
            List<Member> members = group("a", "b");
            Map<String, List<TopicPartition>> previous = Map.of(
                    "a", List.of(TopicPartition.of("orders", 6), TopicPartition.of("payments", 0)),
                    "b", List.of(TopicPartition.of("orders", 0)));

            Map<String, List<TopicPartition>> result = sticky.assign(members, topics, previous);

            assertThat(result.get("a")).contains(TopicPartition.of("orders", 6), TopicPartition.of("payments", 0));
            assertThat(result.get("b")).contains(TopicPartition.of("orders", 0));
            assertThat(sizes(result)).containsExactly(6, 6);
        }

        @Test
        void gives_up_partitions_of_a_topic_the_member_no_longer_subscribes_to() {
            Map<String, List<TopicPartition>> before = sticky.assign(group("a", "b"), topics, Map.of());
            List<Member> members = List.of(member("a", "orders"), member("b", "orders", "payments"));

            Map<String, List<TopicPartition>> after = sticky.assign(members, topics, before);

            assertThat(after.get("a")).allMatch(tp -> tp.topic().equals("orders"));
            assertThat(after.get("b")).containsAll(range("payments", 0, 5));
        }

        @Test
        void places_partitions_that_few_members_can_take_first_to_stay_balanced() {
            List<Member> members = List.of(member("a", "orders"), member("b", "orders", "payments"));
            Map<String, List<TopicPartition>> result = sticky.assign(members, Map.of("orders", 6, "payments", 6), Map.of());

            assertThat(result.get("a")).isEqualTo(range("orders", 0, 6));
            assertThat(result.get("b")).isEqualTo(range("payments", 0, 6));
        }
    }

    @Nested
    class Weighted {

        @Test
        void shares_sixty_partitions_ten_twenty_thirty_for_weights_one_two_three() {
            List<Member> members = List.of(member("a", 1, "t"), member("b", 2, "t"), member("c", 3, "t"));

            Map<String, List<TopicPartition>> result = Assignors.weighted().assign(members, Map.of("t", 60), Map.of());

            assertThat(result).containsExactly(
                    Map.entry("a", range("t", 0, 10)),
                    Map.entry("b", range("t", 10, 30)),
                    Map.entry("c", range("t", 30, 60)));
        }

        @Test
        void shares_eight_partitions_two_and_six_for_weights_one_and_three() {
            List<Member> members = List.of(member("light", 1, "t"), member("heavy", 3, "t"));

            Map<String, List<TopicPartition>> result = Assignors.weighted().assign(members, Map.of("t", 8), Map.of());

            assertThat(result).containsEntry("heavy", range("t", 0, 6)).containsEntry("light", range("t", 6, 8));
        }

        @Test
        void gives_leftover_partitions_by_largest_remainder_then_by_member_id() {
            List<Member> equal = List.of(member("c", 1, "t"), member("a", 1, "t"), member("b", 1, "t"));
            assertThat(sizes(Assignors.weighted().assign(equal, Map.of("t", 5), Map.of()))).containsExactly(2, 2, 1);

            // exact shares 10 * {3, 7, 10} / 20 = 1.5, 3.5, 5: the tie between a and b goes to a
            List<Member> halves = List.of(member("b", 7, "t"), member("a", 3, "t"), member("c", 10, "t"));
            assertThat(sizes(Assignors.weighted().assign(halves, Map.of("t", 10), Map.of()))).containsExactly(2, 3, 5);

            // exact shares 7 * {1, 6, 3} / 10 = 0.7, 4.2, 2.1: the single leftover goes to the largest remainder, a
            List<Member> remainders = List.of(member("a", 1, "t"), member("b", 6, "t"), member("c", 3, "t"));
            assertThat(sizes(Assignors.weighted().assign(remainders, Map.of("t", 7), Map.of()))).containsExactly(1, 4, 2);
        }

        @Test
        void weighs_each_topic_among_its_own_subscribers() {
            List<Member> members = List.of(member("a", 1, "t0", "t1"), member("b", 3, "t0"), member("c", 1, "t1"));

            Map<String, List<TopicPartition>> result =
                    Assignors.weighted().assign(members, Map.of("t0", 4, "t1", 4), Map.of());

            List<TopicPartition> a = new ArrayList<>(range("t0", 0, 1));
            a.addAll(range("t1", 0, 2));
            assertThat(result).containsEntry("a", a).containsEntry("b", range("t0", 1, 4)).containsEntry("c", range("t1", 2, 4));
        }

        @Test
        void rejects_a_member_without_a_positive_finite_weight_naming_it() {
            for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
                List<Member> members = List.of(member("a", 1, "t"), member("b", bad, "t"));
                assertThatThrownBy(() -> Assignors.weighted().assign(members, Map.of("t", 3), Map.of()))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("weight of member b")
                        .hasMessageContaining("was " + bad);
            }
        }
    }
}
