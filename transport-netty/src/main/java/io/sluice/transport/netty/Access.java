package io.sluice.transport.netty;

import io.sluice.check.Check;
import java.util.ArrayList;
import java.util.List;

/**
 * What a token may do on a node: read (consume) and write (produce) topics named by patterns, and administer
 * (create and delete topics). A pattern is a topic name, or a prefix ending in {@code *}; {@code "*"} is every
 * topic. Immutable: every setter returns a copy.
 *
 * <pre>{@code Access.create().read("orders", "audit.*").write("orders")}</pre>
 */
public final class Access {
    private static final Access ALL = new Access(List.of("*"), List.of("*"), true);

    private final List<String> read;
    private final List<String> write;
    private final boolean admin;

    private Access(List<String> read, List<String> write, boolean admin) {
        this.read = read;
        this.write = write;
        this.admin = admin;
    }

    /** Nothing yet: add what the token may do. */
    public static Access create() {
        return new Access(List.of(), List.of(), false);
    }

    /** Read and write every topic and administer: what every client has on a node without tokens. */
    public static Access all() {
        return ALL;
    }

    /** Also lets the token consume the topics matching {@code patterns}. */
    public Access read(String... patterns) {
        return new Access(plus(read, patterns), write, admin);
    }

    /** Also lets the token produce to the topics matching {@code patterns}. */
    public Access write(String... patterns) {
        return new Access(read, plus(write, patterns), admin);
    }

    /** Lets the token create and delete topics (and so every topic's records). */
    public Access admin(boolean admin) {
        return new Access(read, write, admin);
    }

    public boolean canRead(String topic) {
        return matches(read, topic);
    }

    public boolean canWrite(String topic) {
        return matches(write, topic);
    }

    public boolean isAdmin() {
        return admin;
    }

    private static List<String> plus(List<String> list, String[] patterns) {
        Check.notNull("patterns", patterns);
        List<String> out = new ArrayList<>(list);
        for (String p : patterns) {
            out.add(Check.notBlank("pattern", p));
        }
        return List.copyOf(out);
    }

    private static boolean matches(List<String> patterns, String topic) {
        for (String p : patterns) {
            if (p.endsWith("*") ? topic.startsWith(p.substring(0, p.length() - 1)) : p.equals(topic)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Access[read=" + read + ", write=" + write + ", admin=" + admin + "]";
    }
}
