package io.sluice.checks;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.sluice.Sluice;
import io.sluice.internal.Engine;
import io.sluice.partition.Partitioner;
import io.sluice.producer.OutboundMessage;
import io.sluice.record.Record;
import io.sluice.serde.JsonSerde;
import org.junit.jupiter.api.Test;

/**
 * The architecture, as rules over every module's main code (tests excluded). Read top to bottom, it is the layering:
 * <ol>
 *   <li>{@code sluice-core} holds the API (a package per concept), {@code io.sluice.spi} (the seam another
 *       {@link Sluice} implementation plugs into) and {@code internal} packages (the engine);</li>
 *   <li>{@code sluice-store-r2dbc}, {@code sluice-transport-netty} and {@code sluice-kafka} are libraries on
 *       {@code sluice-core} alone;</li>
 *   <li>{@code sluice-node} is the runnable node on both; {@code sluice-benchmarks} uses everything;</li>
 *   <li>{@code sluice-test} is the JUnit 5 test kit on core and the Netty transport (a node for a test) alone;</li>
 *   <li>{@code sluice-kafka-cluster} is a test fixture on Kafka alone, whose only user in main code is the perf lab;</li>
 *   <li>a module's {@code internal} packages are its own: no other module imports them.</li>
 * </ol>
 * The one place the API names the engine is {@link Sluice#embedded()}, the factory that creates it (as reactor-kafka's
 * {@code KafkaSender.create} returns its {@code internals.DefaultKafkaSender}).
 */
class ArchitectureTest {
    private static final String CORE_INTERNAL = "io.sluice.internal..";
    private static final String CORE_LOG_INTERNAL = "io.sluice.log.internal..";
    private static final String[] CORE_API = {"io.sluice", "io.sluice.admin..", "io.sluice.consumer..", "io.sluice.errors..",
        "io.sluice.log", "io.sluice.metrics..", "io.sluice.partition..", "io.sluice.producer..", "io.sluice.record..",
        "io.sluice.check..", "io.sluice.serde.."};
    private static final String STORE = "io.sluice.store.r2dbc..";
    private static final String TRANSPORT = "io.sluice.transport.netty..";
    private static final String NODE = "io.sluice.node..";
    private static final String BENCHMARKS = "io.sluice.benchmarks..";
    private static final String EXAMPLES = "io.sluice.examples..";
    /** {@code sluice-test}, the test kit (not core's test-jar, {@code io.sluice.testing}, which holds tests). */
    private static final String TEST_KIT = "io.sluice.test..";
    private static final String KAFKA_CLUSTER = "io.sluice.kafka.cluster..";
    private static final String SPRING_BOOT = "io.sluice.spring.boot..";
    /** {@code sluice-kafka}: its API package and its internals (not the cluster fixture, a module of its own). */
    private static final String[] KAFKA = {"io.sluice.kafka", "io.sluice.kafka.internal.."};
    /** Every module but core: the classes of io.sluice outside these are core's. */
    private static final String[] OTHER_MODULES = {STORE, TRANSPORT, NODE, BENCHMARKS, EXAMPLES, KAFKA_CLUSTER, KAFKA[0], KAFKA[1],
        SPRING_BOOT, TEST_KIT};

    /** Every module's main classes (the jars and directories on this module's test class path; test-jars are tests). */
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.sluice");

    @Test
    void theCoreApiReachesTheEngineOnlyThroughTheSpi() {
        check(noClasses().that().resideInAnyPackage(CORE_API)
                .should().dependOnClassesThat(resideInAnyPackage(CORE_INTERNAL, CORE_LOG_INTERNAL)
                        .and(not(equivalentTo(Engine.class))))
                .because("API types are what users import; what implementations share is in io.sluice.spi"));
        check(noClasses().that().resideInAnyPackage(CORE_API).and().areNotAssignableTo(Sluice.class)
                .should().dependOnClassesThat().areAssignableTo(Engine.class)
                .because("Sluice.embedded() is the one place the API creates the engine"));
    }

    @Test
    void theSpiDoesNotDependOnTheEngine() {
        check(noClasses().that().resideInAPackage("io.sluice.spi..")
                .should().dependOnClassesThat().resideInAnyPackage(CORE_INTERNAL, CORE_LOG_INTERNAL)
                .because("other implementations build on the SPI; the engine builds on it too, not the other way"));
    }

    @Test
    void noModuleImportsAnotherModulesInternals() {
        check(noClasses().that().resideInAnyPackage(OTHER_MODULES).and().resideOutsideOfPackage("io.sluice.benchmarks.jmh..")
                .should().dependOnClassesThat().resideInAnyPackage(CORE_INTERNAL, CORE_LOG_INTERNAL)
                .because("core's internals carry no compatibility promise; other modules use its API and SPI"
                        + " (JMH's microbenchmarks measure the internal hot paths on purpose)"));
        check(noClasses().that().resideOutsideOfPackage(STORE)
                .should().dependOnClassesThat().resideInAPackage("io.sluice.store.r2dbc.internal..")
                .because("the store's internals are its own"));
        check(noClasses().that().resideOutsideOfPackage(TRANSPORT)
                .should().dependOnClassesThat().resideInAPackage("io.sluice.transport.netty.internal..")
                .because("the transport's internals are its own"));
        check(noClasses().that().resideOutsideOfPackages(KAFKA)
                .should().dependOnClassesThat().resideInAPackage("io.sluice.kafka.internal..")
                .because("sluice-kafka's internals are its own"));
        check(noClasses().that().resideOutsideOfPackage(SPRING_BOOT)
                .should().dependOnClassesThat().resideInAPackage("io.sluice.spring.boot.internal..")
                .because("the Spring Boot starter's internals are its own"));
        check(noClasses().that().resideOutsideOfPackage(TEST_KIT)
                .should().dependOnClassesThat().resideInAPackage("io.sluice.test.internal..")
                .because("the test kit's internals are its own"));
    }

    @Test
    void theLibrariesDependOnCoreOnly() {
        check(noClasses().that().resideOutsideOfPackages(OTHER_MODULES)
                .should().dependOnClassesThat().resideInAnyPackage(OTHER_MODULES)
                .because("core knows nothing of SQL, Netty or the programs built on it"));
        check(noClasses().that().resideInAPackage(TRANSPORT)
                .should().dependOnClassesThat().resideInAnyPackage(STORE, NODE, BENCHMARKS, EXAMPLES)
                .orShould().dependOnClassesThat().resideInAnyPackage("picocli..", "io.micrometer.prometheusmetrics..",
                        "reactor.netty.http..", "io.r2dbc..")
                .because("sluice-transport-netty is a library: the node's command line, HTTP endpoints and store"
                        + " choice are sluice-node's"));
        check(noClasses().that().resideInAPackage(STORE)
                .should().dependOnClassesThat().resideInAnyPackage(TRANSPORT, NODE, BENCHMARKS, EXAMPLES)
                .because("sluice-store-r2dbc is a library on core alone"));
        check(noClasses().that().resideInAnyPackage(KAFKA)
                .should().dependOnClassesThat().resideInAnyPackage(STORE, TRANSPORT, NODE, BENCHMARKS, EXAMPLES, KAFKA_CLUSTER)
                .because("sluice-kafka is a library on core (and Kafka's clients) alone"));
        check(noClasses().that().resideInAPackage(NODE)
                .should().dependOnClassesThat().resideInAnyPackage(BENCHMARKS, EXAMPLES, TEST_KIT)
                .because("the node is a program of its own"));
        check(noClasses().that().resideInAPackage(SPRING_BOOT)
                .should().dependOnClassesThat().resideInAnyPackage(NODE, BENCHMARKS, EXAMPLES, KAFKA_CLUSTER)
                .because("the Spring Boot starter configures the libraries (core, store, transport, kafka) alone"));
        check(noClasses().that().resideOutsideOfPackages(SPRING_BOOT, EXAMPLES)
                .should().dependOnClassesThat().resideInAPackage(SPRING_BOOT)
                .because("the starter is the top of the libraries: only applications (and the examples) use it"));
        check(noClasses().that().resideInAPackage(TEST_KIT)
                .should().dependOnClassesThat().resideInAnyPackage(STORE, NODE, BENCHMARKS, EXAMPLES, KAFKA_CLUSTER, KAFKA[0], KAFKA[1])
                .because("sluice-test is a library on core and the Netty transport alone, which a user's tests add"));
        check(noClasses().that().resideOutsideOfPackage(TEST_KIT)
                .should().dependOnClassesThat().resideInAPackage(TEST_KIT)
                .because("the test kit is for tests: no module's main code uses it"));
        check(noClasses().that().resideInAPackage(EXAMPLES)
                .should().dependOnClassesThat().resideInAnyPackage(NODE, BENCHMARKS)
                .because("the examples show the libraries as a user imports them"));
    }

    @Test
    void theKafkaClusterIsATestFixtureOnKafkaAlone() {
        check(noClasses().that().resideInAPackage(KAFKA_CLUSTER)
                .should().dependOnClassesThat(resideInAPackage("io.sluice..").and(not(resideInAPackage(KAFKA_CLUSTER))))
                .because("sluice-kafka-cluster runs Kafka for any module's tests, so it can depend on none of them"));
        check(noClasses().that().resideOutsideOfPackages(KAFKA_CLUSTER, BENCHMARKS)
                .should().dependOnClassesThat().resideInAPackage(KAFKA_CLUSTER)
                .because("a test fixture: modules use it in their tests; only the perf lab runs a broker in main code"));
    }

    @Test
    void onlyTheJsonSerdeUsesJackson() {
        check(noClasses().that().resideOutsideOfPackages(OTHER_MODULES).and().doNotBelongToAnyOf(JsonSerde.class)
                .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..")
                .because("Jackson is an optional dependency of sluice-core: an application without it must never load a"
                        + " class that needs it, so only JsonSerde, which such an application does not use, may refer to it"));
    }

    /**
     * A package and its {@code internal} sub-package are one slice here: a facade creates its implementation there
     * ({@code NettySluice} its {@code ClientConnection}, {@code Sluice.embedded()} the engine in
     * {@code io.sluice.internal}), which reads the facade's options back. Between concepts, one dependency back up is
     * deliberate: a {@link Partitioner} chooses the partition of an {@link OutboundMessage} while
     * {@code ProducerOptions} names its partitioner (both kept where users import them); and a {@link Record} reads
     * its key and value with a {@code Serde} ({@code record.value(serde)}) while a serde reads the record's headers.
     */
    @Test
    void packagesHaveNoCycles() {
        check(slices().assignedFrom(CONCEPTS).should().beFreeOfCycles()
                .ignoreDependency(resideInAPackage("io.sluice.partition"), equivalentTo(OutboundMessage.class))
                .ignoreDependency(equivalentTo(Record.class), resideInAPackage("io.sluice.serde"))
                .because("a package depends on the ones below it"));
    }

    /** {@code io.sluice.X.internal..} counts as {@code io.sluice.X}; {@code io.sluice.internal} as {@code io.sluice}. */
    private static final SliceAssignment CONCEPTS = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            if (!pkg.startsWith("io.sluice")) {
                return SliceIdentifier.ignore();
            }
            int internal = pkg.indexOf(".internal");
            return SliceIdentifier.of(internal < 0 ? pkg : pkg.substring(0, internal));
        }

        @Override
        public String getDescription() {
            return "packages of io.sluice, each with its internal sub-packages";
        }
    };

    private static void check(ArchRule rule) {
        rule.check(MAIN);
    }
}
