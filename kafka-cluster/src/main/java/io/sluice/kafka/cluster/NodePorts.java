package io.sluice.kafka.cluster;

/**
 * Where a node listens on 127.0.0.1, chosen once when the cluster starts and kept across restarts (the other nodes and
 * the quorum's voter list know the node by them).
 *
 * @param id             the node's Kafka {@code node.id}: 1 to the cluster's size
 * @param port           the clients' and the other brokers' listener ({@code PLAINTEXT})
 * @param controllerPort the KRaft controller listener ({@code CONTROLLER}), one voter of the quorum
 */
record NodePorts(int id, int port, int controllerPort) {
    static final String HOST = "127.0.0.1";

    /** {@code 127.0.0.1:port}: where clients connect. */
    String address() {
        return HOST + ":" + port;
    }

    /** {@code id@127.0.0.1:controllerPort}: this node in {@code controller.quorum.voters}. */
    String voter() {
        return id + "@" + HOST + ":" + controllerPort;
    }
}
