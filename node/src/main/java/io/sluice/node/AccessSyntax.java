package io.sluice.node;

import io.sluice.transport.netty.Access;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line's compact form of an {@link Access}: clauses separated by {@code ;}, each one of
 * {@code read=PATTERNS}, {@code write=PATTERNS} (comma-separated topic names, or prefixes ending in {@code *}),
 * {@code admin} (create and delete topics) or {@code all} (everything, as on a node without tokens). Clauses add up:
 * {@code read=orders,audit.*;write=orders;admin}.
 */
final class AccessSyntax {
    /** What {@code --help} and error messages show. */
    static final String EXAMPLE = "read=orders,audit.*;write=orders;admin";

    private AccessSyntax() {
    }

    /** @throws IllegalArgumentException saying which clause or pattern is wrong */
    static Access parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the access is empty (e.g. " + EXAMPLE + ")");
        }
        Access access = Access.create();
        boolean all = false;
        for (String raw : text.split(";", -1)) {
            String clause = raw.strip();
            if (clause.isEmpty()) {
                throw new IllegalArgumentException("empty clause in '" + text + "' (clauses are separated by one ';')");
            }
            int eq = clause.indexOf('=');
            String verb = (eq < 0 ? clause : clause.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            switch (verb) {
                case "read" -> access = access.read(patterns(verb, clause, eq));
                case "write" -> access = access.write(patterns(verb, clause, eq));
                case "admin", "all" -> {
                    if (eq >= 0) {
                        throw new IllegalArgumentException("'" + verb + "' takes no topics, was '" + clause + "'");
                    }
                    if (verb.equals("all")) {
                        all = true;
                    } else {
                        access = access.admin(true);
                    }
                }
                default -> throw new IllegalArgumentException("unknown permission '" + verb
                        + "' (read=TOPICS, write=TOPICS, admin, all; e.g. " + EXAMPLE + ")");
            }
        }
        return all ? Access.all() : access;
    }

    private static String[] patterns(String verb, String clause, int eq) {
        if (eq < 0) {
            throw new IllegalArgumentException("'" + verb + "' needs topics: " + verb + "=orders,audit.*");
        }
        List<String> out = new ArrayList<>();
        for (String raw : clause.substring(eq + 1).split(",", -1)) {
            String p = raw.strip();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("empty topic pattern in '" + clause + "'");
            }
            int star = p.indexOf('*');
            if (star >= 0 && star != p.length() - 1) {
                throw new IllegalArgumentException("'*' may only end a pattern (a prefix), was '" + p + "'");
            }
            out.add(p);
        }
        return out.toArray(String[]::new);
    }
}
