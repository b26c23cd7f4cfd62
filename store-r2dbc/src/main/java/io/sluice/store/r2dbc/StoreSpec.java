package io.sluice.store.r2dbc;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.sluice.log.LogStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A store named in one line of text, as the node's {@code --store} and the Spring Boot starter's {@code sluice.store}
 * take it: {@code memory}, {@code h2:<dir>} (an H2 file {@code <dir>/sluice.mv.db}), {@code h2mem}, or a PostgreSQL
 * R2DBC URL. One parser for both, so that a value means the same thing on the command line and in
 * {@code application.properties}. Parsing checks the form only; {@link #open} opens the database. Its
 * {@link #toString()} and error messages never show a password ({@link #redact}).
 */
public final class StoreSpec {
    /** The forms, for {@code --help} and error messages. */
    public static final String FORMS = "memory, h2:<dir>, h2mem, r2dbc:postgresql://user@host:5432/db";
    /** The H2 database's file name (without {@code .mv.db}) inside an {@code h2:<dir>} directory. */
    public static final String H2_FILE = "sluice";

    /** The four forms. */
    public enum Kind { MEMORY, H2_FILE, H2_MEMORY, POSTGRESQL }

    private final Kind kind;
    private final Path directory;
    private final String url;

    private StoreSpec(Kind kind, Path directory, String url) {
        this.kind = kind;
        this.directory = directory;
        this.url = url;
    }

    /**
     * Recognises one of the {@link #FORMS} (case-insensitive prefix, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the form expected (a password in the text is not shown)
     */
    public static StoreSpec parse(String text) {
        String s = text == null ? "" : text.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("memory")) {
            return new StoreSpec(Kind.MEMORY, null, null);
        }
        if (lower.equals("h2mem")) {
            return new StoreSpec(Kind.H2_MEMORY, null, null);
        }
        if (lower.startsWith("h2:")) {
            String dir = s.substring(3).strip();
            if (dir.isEmpty()) {
                throw new IllegalArgumentException("h2:<dir> needs a directory, e.g. h2:./data");
            }
            try {
                return new StoreSpec(Kind.H2_FILE, Path.of(dir), null);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("h2:<dir>: '" + dir + "' is not a path (" + e.getReason() + ")");
            }
        }
        if (lower.startsWith("r2dbc:postgresql:") || lower.startsWith("r2dbc:postgres:")
                || lower.startsWith("r2dbc:pool:postgresql:") || lower.startsWith("r2dbc:pool:postgres:")) {
            try {
                ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(s);
                Object host = options.getValue(ConnectionFactoryOptions.HOST);
                if (host == null || host.toString().isBlank()) {
                    throw new IllegalArgumentException("no host");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a PostgreSQL R2DBC URL (r2dbc:postgresql://user@host:5432/db): "
                        + redact(s));
            }
            return new StoreSpec(Kind.POSTGRESQL, null, s);
        }
        throw new IllegalArgumentException("unknown store '" + redact(s) + "' (one of " + FORMS + ")");
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Opens the store (creating the H2 directory), waiting for it on the calling thread: call it at start-up,
     * never on a Reactor or Netty thread.
     */
    public LogStore open() {
        return switch (kind) {
            case MEMORY -> LogStore.inMemory();
            case H2_MEMORY -> R2dbcStore.h2Memory();
            case H2_FILE -> {
                try {
                    Files.createDirectories(directory);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create the store directory " + directory.toAbsolutePath() + ": " + e, e);
                }
                yield R2dbcStore.h2File(directory.resolve(H2_FILE));
            }
            case POSTGRESQL -> R2dbcStore.postgres(url);
        };
    }

    /** Drops the password from {@code scheme://user:password@host} and {@code ?password=}: a store URL is printed, a password never. */
    public static String redact(String url) {
        return url.replaceAll("(://[^:/@]*):[^@/]*@", "$1:***@").replaceAll("(?i)([?&]password=)[^&]*", "$1***");
    }

    /** What health reports and start-up lines say: the form without a password. */
    @Override
    public String toString() {
        return switch (kind) {
            case MEMORY -> "memory";
            case H2_MEMORY -> "h2mem";
            case H2_FILE -> "h2:" + directory.toAbsolutePath().normalize();
            case POSTGRESQL -> redact(url);
        };
    }
}
