package io.sluice.spring.boot.internal;

/** {@code sluice.node.address}: {@code host:port}, or {@code [v6-address]:port}. */
public record NodeAddress(String host, int port) {
    public static final String PROPERTY = "sluice.node.address";

    /** @throws SluicePropertyException naming {@value #PROPERTY} */
    public static NodeAddress parse(String text) {
        String s = text == null ? "" : text.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw invalid(text, "not host:port (e.g. 127.0.0.1:7420, or [::1]:7420 for IPv6)");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw invalid(text, "an IPv6 address goes in brackets: [" + host + "]:" + s.substring(colon + 1));
        }
        if (host.isBlank()) {
            throw invalid(text, "no host before the port");
        }
        String portText = s.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw invalid(text, "'" + portText + "' is not a port number (1..65535)");
        }
        if (port < 1 || port > 65535) {
            throw invalid(text, "the port is within 1..65535, was " + port);
        }
        return new NodeAddress(host, port);
    }

    private static SluicePropertyException invalid(String text, String reason) {
        return new SluicePropertyException(PROPERTY, text, reason);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
