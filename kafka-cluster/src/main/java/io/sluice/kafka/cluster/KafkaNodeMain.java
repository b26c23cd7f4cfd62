package io.sluice.kafka.cluster;

import java.nio.file.Path;

/**
 * A node's child JVM entry point: {@code KafkaNodeMain <dir> <cluster id>}. Formats the storage of
 * {@code <dir>/server.properties} with the cluster's id unless it is formatted already (a restart: Kafka's storage tool
 * with {@code --ignore-formatted}, which leaves formatted directories as they are), then runs the server as
 * {@code kafka-server-start.sh} does; exits when the parent process is gone.
 */
final class KafkaNodeMain {
    private KafkaNodeMain() {
    }

    public static void main(String[] args) {
        String config = Path.of(args[0], KafkaNode.CONFIG).toString();
        ChildJvm.exitWithParent("the Kafka node");
        int formatted = kafka.tools.StorageTool.execute(
                new String[] {"format", "--ignore-formatted", "--cluster-id", args[1], "--config", config}, System.out);
        if (formatted != 0) {
            System.err.println("sluice kafka-cluster: formatting the storage failed (" + formatted + ")");
            System.exit(formatted);
        }
        kafka.Kafka.main(new String[] {config});
    }
}
