package io.sluice.benchmarks.perf.targets;

/**
 * The {@code host:port} addresses of {@code --node} and {@code --bootstrap}, split at the last colon so that an IPv6
 * host in brackets ({@code [::1]:7420}) keeps its colons: one reading of them for the options that check them and the
 * targets that connect to them.
 */
public final class HostPort {
    private HostPort() {
    }

    /** The host of {@code hostPort}, without the brackets of an IPv6 host. */
    public static String host(String hostPort) {
        String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port of {@code hostPort}. @throws NumberFormatException when what follows the last colon is not a number */
    public static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    /** True when {@code hostPort} has something before its last colon and a port from 1 to 65535 after it. */
    public static boolean hasPort(String hostPort) {
        if (hostPort.lastIndexOf(':') <= 0) {
            return false;
        }
        try {
            int port = port(hostPort);
            return port >= 1 && port <= 65_535;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
