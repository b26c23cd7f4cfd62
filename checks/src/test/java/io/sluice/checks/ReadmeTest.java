package io.sluice.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Ordering;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.KafkaSluice;
import io.sluice.kafka.cluster.KafkaCluster;
import io.sluice.partition.Partitioners;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Record;
import io.sluice.serde.JsonSerde;
import io.sluice.serde.Serde;
import io.sluice.store.r2dbc.R2dbcStore;
import io.sluice.testing.ServerAvailability;
import io.sluice.transport.netty.ClientOptions;
import io.sluice.transport.netty.NettySluice;
import io.sluice.transport.netty.ServerOptions;
import io.sluice.transport.netty.SluiceServer;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The READMEs' Java snippets compile and run as written. Each {@code ```java} block of a README is the body of a
 * method here marked {@link Snippet} with that README's path, in the README's order: the first test compares them,
 * so that neither can change alone; the others run the methods and check what they did. The snippets call the
 * helpers at the end of this class ({@code bytes}, {@code charge}, {@code messages}), which stand for the reader's code.
 *
 * <p>A block whose first line is {@code // <path from the repository's root>} quotes that file instead (a test class,
 * a Spring application: code that is more than a method body): its other lines are a contiguous run of the file's,
 * the file's indentation removed, and the file's own tests run it.
 */
class ReadmeTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    private static final Path SELF = ROOT.resolve("checks/src/test/java/io/sluice/checks/ReadmeTest.java");
    /** Where the network snippet's H2 file goes: {@code data/sluice} in the working directory. */
    private static final Path DATA = Path.of("data");

    /** The method's body is the next {@code ```java} block of this README (a path from the repository's root). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface Snippet {
        String value();
    }

    @Test
    void everyJavaBlockOfTheReadmesIsTheBodyOfASnippetHereInTheSameOrder() throws IOException {
        for (String readme : List.of("README.md", "transport-netty/README.md")) {
            assertThat(snippets(readme)).as("the @Snippet(\"%s\") methods of ReadmeTest", readme)
                    .isNotEmpty()
                    .containsExactlyElementsOf(javaBlocks(readme).stream().filter(b -> quotedFile(b) == null).toList());
        }
    }

    @Test
    void everyJavaBlockThatNamesAFileQuotesItAsItIs() throws IOException {
        for (String readme : List.of("README.md", "transport-netty/README.md")) {
            for (String block : javaBlocks(readme)) {
                String file = quotedFile(block);
                if (file != null) {
                    assertThat(ROOT.resolve(file)).as("the file %s quotes", readme).isRegularFile();
                    List<String> quoted = block.lines().skip(1).toList();
                    assertThat(isExcerpt(quoted, Files.readAllLines(ROOT.resolve(file))))
                            .as("%s quotes %s as it is (a contiguous run of its lines, its indentation removed):%n%s",
                                    readme, file, block)
                            .isTrue();
                }
            }
        }
    }

    @Test
    void anExcerptIsAContiguousRunOfTheFilesLinesWithItsIndentationRemoved() {
        List<String> file = List.of("class A {", "    void run() {", "        go();", "", "    }", "}");

        assertThat(isExcerpt(List.of("void run() {", "    go();", "", "}"), file)).isTrue();
        assertThat(isExcerpt(List.of("class A {", "    void run() {"), file)).isTrue();
        assertThat(isExcerpt(List.of("void run() {", "    stop();"), file)).isFalse();
        assertThat(isExcerpt(List.of("void run() {", "go();"), file)).as("indentation kept inside the run").isFalse();
        assertThat(isExcerpt(List.of("void run() {", "}"), file)).as("contiguous").isFalse();
        assertThat(isExcerpt(List.of(), file)).as("an empty quote quotes nothing").isFalse();
    }

    @Test
    void theFirstScreensSnippetBillsEveryOrderAndDeadLettersTheDeclinedOnes() {
        quickStart();

        assertThat(billed).hasSize(996).doesNotContain(DECLINED.toArray(Integer[]::new));
        assertThat(attempts).as("every order charged").hasSize(1000);
        DECLINED.forEach(i -> assertThat(attempts.get(i)).as("attempts of declined order %d", i).hasValue(4));
    }

    @Test
    void theTypedSnippetSendsInvoicesAsJsonAndBillsEachTyped() {
        typedRecords();

        assertThat(invoicesBilled).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 100).mapToObj(ReadmeTest::invoice).toList());
    }

    @Test
    void theNetworkSnippetServesANodeOnAnH2FileAndSendsThroughIt() {
        requirePort7420Free();

        overTheNetwork();

        assertThat(sent).hasValue(1000);
        try (Sluice engine = Sluice.embedded(EngineOptions.create().store(R2dbcStore.h2File(Path.of("data/sluice"))))) {
            long stored = engine.admin().describeTopic("orders").block(Duration.ofSeconds(30)).partitions().stream()
                    .mapToLong(p -> p.endOffset()).sum();
            assertThat(stored).as("records in the node's H2 file").isEqualTo(1000);
        }
    }

    @Test
    void theTransportReadmesSnippetSendsToANodeOnPort7420() {
        requirePort7420Free();
        try (Sluice engine = Sluice.embedded();
             SluiceServer node = SluiceServer.start(engine, ServerOptions.create().port(7420))) {

            nodeClient();

            long stored = engine.admin().describeTopic("orders").block(Duration.ofSeconds(30)).partitions().stream()
                    .mapToLong(p -> p.endOffset()).sum();
            assertThat(stored).isEqualTo(1000);
        }
    }

    @Test
    void theGrowingSnippetSendsTheSameWayInProcessToANodeAndToAKafkaCluster() {
        growing("embedded", null);
        assertThat(sent).hasValue(1000);

        requirePort7420Free();
        try (Sluice engine = Sluice.embedded();
             SluiceServer node = SluiceServer.start(engine, ServerOptions.create().port(7420))) {
            growing("node", null);
            assertThat(engine.admin().describeTopic("orders").block(Duration.ofSeconds(30)).partitions().stream()
                    .mapToLong(p -> p.endOffset()).sum()).isEqualTo(1000);
        }

        try (KafkaCluster cluster = KafkaCluster.start(1)) {
            growing("kafka", cluster.bootstrap());
            try (Sluice kafka = KafkaSluice.connect(KafkaOptions.create().bootstrap(cluster.bootstrap()))) {
                assertThat(kafka.admin().describeTopic("orders").block(Duration.ofSeconds(30)).partitions().stream()
                        .mapToLong(p -> p.endOffset()).sum()).as("records on the Kafka cluster").isEqualTo(1000);
            }
        }
        assertThat(sent).hasValue(3000);
    }

    // ---- the snippets, as the READMEs show them ----

    @Snippet("README.md")
    void quickStart() {
        try (Sluice sluice = Sluice.embedded()) {
            sluice.admin().createTopic(TopicSpec.of("orders").partitions(4)).block();

            Producer producer = sluice.producer(ProducerOptions.create().partitioner(Partitioners.keyHash()));
            producer.send(Flux.range(0, 1000).map(i -> OutboundMessage.of("orders", "customer-" + i % 10, bytes(i), i)))
                    .blockLast();                                           // one SendResult per record, with its offset

            Consumer billing = sluice.consumer(ConsumerOptions.create("billing").topics("orders")
                    .concurrency(16).ordering(Ordering.PER_KEY)
                    .retry(Retry.backoff(3, Duration.ofMillis(50))).deadLetterTopic("orders.dlq"));  // made on first use
            billing.process(record -> charge(record))                      // acks, retries and dead letters for you
                    .take(1000).blockLast();
        }
    }

    @Snippet("README.md")
    void typedRecords() {
        try (Sluice sluice = Sluice.embedded()) {
            sluice.admin().createTopic(TopicSpec.of("invoices").partitions(4)).block();
            Serde<Invoice> json = JsonSerde.of(Invoice.class);                  // Jackson: add jackson-databind to use it

            sluice.producer(ProducerOptions.create())
                    .send(invoices.map(i -> OutboundMessage.of("invoices", i.customer(), i, json, i.number())))
                    .blockLast();
            sluice.consumer(ConsumerOptions.create("billing").topics("invoices").deadLetterTopic("invoices.dlq"))
                    .process(json, (record, invoice) -> bill(invoice))          // what json cannot read goes to invoices.dlq
                    .take(100).blockLast();
        }
    }

    @Snippet("README.md")
    void overTheNetwork() {
        try (Sluice engine = Sluice.embedded(EngineOptions.create().store(R2dbcStore.h2File(Path.of("data/sluice"))));
             SluiceServer node = SluiceServer.start(engine, ServerOptions.create().port(7420))) {    // a node
            try (Sluice sluice = NettySluice.connect(ClientOptions.create().address("localhost", 7420))) {  // a client
                sluice.admin().createTopic(TopicSpec.of("orders").partitions(4)).block();
                sluice.producer(ProducerOptions.create()).send(messages).blockLast();                // the same API
            }
        }
    }

    @Snippet("README.md")
    void growing(String where, String kafkaBootstrap) {
        Sluice sluice = switch (where) {                                            // the one line that changes
            case "embedded" -> Sluice.embedded();
            case "node" -> NettySluice.connect(ClientOptions.create().address("localhost", 7420));
            default -> KafkaSluice.connect(KafkaOptions.create().bootstrap(kafkaBootstrap));
        };
        try (sluice) {
            sluice.admin().createTopic(TopicSpec.of("orders").partitions(4)).block();
            sluice.producer(ProducerOptions.create().acks(Acks.STORED)).send(messages).blockLast();
        }
    }

    @Snippet("transport-netty/README.md")
    void nodeClient() {
        try (Sluice sluice = NettySluice.connect(ClientOptions.create().address("localhost", 7420))) {
            sluice.admin().createTopic(TopicSpec.of("orders").partitions(4)).block();
            sluice.producer(ProducerOptions.create().acks(Acks.STORED)).send(messages).blockLast();
        }
    }

    // ---- what the snippets call: the reader's code ----

    /** Orders whose card is declined: every attempt fails, so they end in the dead-letter topic. */
    private static final Set<Integer> DECLINED = Set.of(7, 250, 501, 999);
    private final Set<Integer> billed = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicInteger sent = new AtomicInteger();

    /** 1,000 orders to send. */
    private final Flux<OutboundMessage<Integer>> messages = Flux.range(0, 1000)
            .map(i -> OutboundMessage.of("orders", "customer-" + i % 10, bytes(i), i))
            .doOnNext(m -> sent.incrementAndGet());

    /** An invoice, as the typed snippet sends it as JSON. */
    record Invoice(String customer, int number, long cents) {
    }

    private final Set<Invoice> invoicesBilled = ConcurrentHashMap.newKeySet();

    /** 100 invoices to send. */
    private final Flux<Invoice> invoices = Flux.range(0, 100).map(ReadmeTest::invoice);

    private static Invoice invoice(int number) {
        return new Invoice("customer-" + number % 7, number, 100L * number + 99);
    }

    private Mono<Void> bill(Invoice invoice) {
        return Mono.fromRunnable(() -> invoicesBilled.add(invoice));
    }

    private static byte[] bytes(int order) {
        return ByteBuffer.allocate(4).putInt(order).array();
    }

    private Mono<Void> charge(Record record) {
        int order = record.valueBuffer().getInt(0);
        attempts.computeIfAbsent(order, o -> new AtomicInteger()).incrementAndGet();
        if (DECLINED.contains(order)) {
            return Mono.error(new IllegalStateException("card declined for order " + order));
        }
        return Mono.delay(Duration.ofMillis(1)).doOnNext(t -> billed.add(order)).then();
    }

    // ---- reading the READMEs and this file ----

    @BeforeEach
    @AfterEach
    void deleteData() throws IOException {
        if (Files.exists(DATA)) {
            try (Stream<Path> files = Files.walk(DATA)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The network snippets take port 7420, as the READMEs say; they cannot run while something else holds it. */
    private static void requirePort7420Free() {
        ConditionEvaluationResult r = ServerAvailability.decide("the network snippets of the READMEs",
                !ServerAvailability.reachable("127.0.0.1", 7420), "port 7420 is free",
                "something listens on 127.0.0.1:7420, the port the READMEs' node snippets take", "stop what holds it",
                ServerAvailability.onCi());
        Assumptions.assumeFalse(r.isDisabled(), r.getReason().orElse(""));
    }

    private static List<String> javaBlocks(String readme) throws IOException {
        Matcher m = Pattern.compile("(?m)^```java\\n(.*?)^```$", Pattern.DOTALL).matcher(Files.readString(ROOT.resolve(readme)));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1).stripTrailing());
        }
        return blocks;
    }

    /** The path a block names on its first line ({@code // checks/src/...java}), or null for a snippet's body. */
    private static String quotedFile(String block) {
        Matcher m = Pattern.compile("// ([\\w./-]+\\.java)").matcher(block.lines().findFirst().orElse(""));
        return m.matches() ? m.group(1) : null;
    }

    /** Whether the lines are a contiguous run of the file's, each with the same indentation removed. */
    static boolean isExcerpt(List<String> quoted, List<String> file) {
        if (quoted.isEmpty()) {
            return false;
        }
        for (int start = 0; start + quoted.size() <= file.size(); start++) {
            String first = file.get(start);
            if (first.isBlank() || !first.strip().equals(quoted.get(0).strip())) {
                continue;
            }
            String indent = first.substring(0, first.length() - first.stripLeading().length());
            boolean all = true;
            for (int i = 0; i < quoted.size() && all; i++) {
                String line = file.get(start + i);
                all = quoted.get(i).isEmpty() ? line.isBlank() : line.equals(indent + quoted.get(i));
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** The bodies of the methods marked {@code @Snippet("readme")}, in this file's order, without their indentation. */
    private static List<String> snippets(String readme) throws IOException {
        List<String> lines = Files.readAllLines(SELF);
        String marker = "    @Snippet(\"" + readme + "\")";
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals(marker)) {
                List<String> body = new ArrayList<>();
                for (int j = i + 2; !lines.get(j).equals("    }"); j++) { // i + 1 is the method's declaration
                    body.add(lines.get(j).isBlank() ? "" : lines.get(j).substring(8));
                }
                bodies.add(body.stream().collect(Collectors.joining("\n")));
            }
        }
        return bodies;
    }
}
