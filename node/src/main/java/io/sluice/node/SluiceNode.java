package io.sluice.node;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.log.LogStore;
import io.sluice.log.OffsetStore;
import io.sluice.store.r2dbc.StoreSpec;
import io.sluice.transport.netty.Access;
import io.sluice.transport.netty.ServerOptions;
import io.sluice.transport.netty.SluiceServer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;
import reactor.netty.DisposableServer;

/**
 * {@code sluice-node}, a Sluice node as a program: an engine on the {@code --store} served over TCP by a
 * {@link SluiceServer}, with optional TLS and tokens, and an optional HTTP port for Prometheus and health checks.
 *
 * <pre>{@code java -jar node/target/sluice-node.jar --port 7420 --store h2:./data --http-port 9420}</pre>
 *
 * <p>Once up it prints one line on standard output, {@code sluice-node listening on 127.0.0.1:7420 http
 * 127.0.0.1:9420} (the ports actually bound, so a parent process that asked for port 0 learns them), and runs
 * until SIGTERM or SIGINT, when it closes the TCP server, the HTTP server, then the engine and its store.
 *
 * <p>Exit codes: 0 after {@code --help}, 1 when the node cannot start (port taken, store unreachable), 2 bad
 * options (a one-line message naming the option); after a signal, the JVM's (143 for SIGTERM, 130 for SIGINT).
 * {@link #start()} runs the node in process, for tests and embedding.
 */
@Command(name = "sluice-node", mixinStandardHelpOptions = true, version = "sluice-node 0 (protocol v2)",
        sortOptions = false, usageHelpWidth = 110,
        description = "Runs a Sluice node: an engine on the given store, served to NettySluice clients over TCP,"
                + " with Prometheus metrics and a health check over HTTP.",
        footer = {"", "Access (--token TOKEN=ACCESS): clauses separated by ';' (quote them in a shell), each one of",
                "  read=TOPICS   consume these topics       write=TOPICS   produce to these topics",
                "  admin         create and delete topics   all            everything",
                "TOPICS is a comma-separated list of names, or prefixes ending in '*' ('*' alone: every topic).",
                "Example: --token 's3cret=" + AccessSyntax.EXAMPLE + "'. With any --token, a client must present a known one.",
                "", "Exit codes: 0 stopped by --help/--version, 1 the node could not start, 2 bad options;"
                        + " SIGTERM/SIGINT close it cleanly."})
public final class SluiceNode implements Callable<Integer> {
    private static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();

    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address the TCP and HTTP ports bind to (0.0.0.0: every interface). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerOptions.DEFAULT_PORT, converter = PortConverter.class,
            description = "TCP port for clients; 0 takes a free one (printed at start). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--http-port", paramLabel = "PORT", converter = PortConverter.class,
            description = "HTTP port for GET /metrics (Prometheus) and GET /health; 0 takes a free one. Default: none (no HTTP).")
    Integer httpPort;

    @Option(names = "--store", paramLabel = "STORE", defaultValue = "memory", converter = StoreConverter.class,
            description = "Where records live: memory (lost at exit), h2:<dir> (an H2 file in <dir>: durable, embedded),"
                    + " h2mem (H2 in memory, for tests), or r2dbc:postgresql://user@host:5432/db (durable, shared)."
                    + " Default: ${DEFAULT-VALUE}.")
    StoreSpec store;

    @Option(names = "--max-frame-size", paramLabel = "SIZE", defaultValue = "16MiB", converter = SizeConverter.class,
            description = "Largest frame (so produce batch) a client may send: bytes, or with KiB/MiB (k/m). At least 1KiB."
                    + " Default: ${DEFAULT-VALUE}.")
    int maxFrameSize;

    @Option(names = "--token", paramLabel = "TOKEN=ACCESS", converter = TokenConverter.class,
            description = "Requires clients to authenticate; TOKEN may do ACCESS (see below). Repeatable.")
    List<TokenGrant> tokens = new ArrayList<>();

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Serves TLS with this certificate chain (PEM); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM",
            description = "The certificate's private key (PKCS#8 PEM, unencrypted); needs --tls-cert.")
    Path tlsKey;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "sluice",
            description = "The node's name: the engine's name, the 'node' tag of its meters, in /health. Default: ${DEFAULT-VALUE}.")
    String name;

    /** Only through {@link #commandLine}, which fills the options in. */
    private SluiceNode() {
    }

    public static void main(String[] args) {
        int code = execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        if (!SHUTTING_DOWN.get()) {
            System.exit(code);
        }
    }

    /** Runs the command line with output to {@code out} and errors to {@code err}; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err).execute(args);
    }

    /** The configured command line: bad options print one line naming the option and exit with 2. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new SluiceNode());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + oneLine(ex.getMessage()) + " (see --help)");
            c.getErr().flush();
            return CommandLine.ExitCode.USAGE;
        });
        return cl;
    }

    /** Parses {@code args} into a node not yet started. @throws ParameterException naming a bad option */
    static SluiceNode parse(String... args) {
        CommandLine cl = commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        cl.parseArgs(args);
        return cl.getCommand();
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RunningNode node;
        try {
            node = start();
        } catch (ParameterException e) {
            throw e;
        } catch (RuntimeException e) {
            err.println("sluice-node: cannot start: " + oneLine(describe(e)));
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
        Thread hook = new Thread(() -> {
            SHUTTING_DOWN.set(true);
            node.close();
            out.println("sluice-node stopped");
            out.flush();
        }, "sluice-node-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println(node.listeningLine());
        out.flush();
        node.onClose().block();
        return CommandLine.ExitCode.OK;
    }

    /**
     * Checks the options that depend on each other and on files, opens the store and the engine, and binds the TCP
     * and HTTP ports; returns the running node. Blocks while the store recovers: call it from your own thread.
     *
     * @throws ParameterException naming the option when an option is wrong (exit code 2 on the command line)
     * @throws RuntimeException when the node cannot start: a port taken, the store unreachable (exit code 1)
     */
    public RunningNode start() {
        return start(UnaryOperator.identity());
    }

    /** {@link #start()} with the opened store passed through {@code wrapStore} first: for tests of a failing store. */
    RunningNode start(UnaryOperator<LogStore> wrapStore) {
        ServerOptions serverOptions = serverOptions();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LogStore logStore = null;
        Sluice engine = null;
        SluiceServer server = null;
        try {
            logStore = wrapStore.apply(store.open());
            EngineOptions engineOptions = EngineOptions.create().store(logStore).meterRegistry(registry).name(name);
            if (logStore instanceof OffsetStore offsets) {
                engineOptions = engineOptions.offsetStore(offsets);
            }
            engine = Sluice.embedded(engineOptions);
            server = SluiceServer.start(engine, serverOptions);
            RunningNode[] self = new RunningNode[1];
            DisposableServer http = httpPort == null ? null
                    : HttpEndpoints.start(host, httpPort, registry, () -> self[0].health());
            self[0] = new RunningNode(name, store, logStore, engine, registry, server, http);
            return self[0];
        } catch (RuntimeException | Error e) {
            closeQuietly(server, e);
            closeQuietly(engine != null ? engine : logStore, e);
            registry.close();
            throw e;
        }
    }

    /** The server's options from the command line. @throws ParameterException naming a bad option */
    ServerOptions serverOptions() {
        if (name.isBlank()) {
            throw invalid("--name", "must not be blank");
        }
        if (host.isBlank()) {
            throw invalid("--host", "must not be blank");
        }
        // port and maxFrameSize were checked by their converters
        ServerOptions options = ServerOptions.create().host(host).port(port).maxFrameSize(maxFrameSize);
        if (httpPort != null && httpPort != 0 && httpPort == port) {
            throw invalid("--http-port", "must differ from --port (" + port + ")");
        }
        Set<String> seen = new HashSet<>();
        for (TokenGrant t : tokens) {
            if (!seen.add(t.token())) {
                throw invalid("--token", "the same token is given twice (give it once, with all its access)");
            }
            options = options.token(t.token(), t.access());
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw tlsCert == null ? invalid("--tls-key", "needs --tls-cert (the certificate chain) too")
                    : invalid("--tls-cert", "needs --tls-key (its private key) too");
        }
        if (tlsCert != null) {
            options = options.tls(tls());
        }
        return options;
    }

    private SslContext tls() {
        readable("--tls-cert", tlsCert);
        readable("--tls-key", tlsKey);
        try {
            return SslContextBuilder.forServer(tlsCert.toFile(), tlsKey.toFile()).build();
        } catch (Exception e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for options '--tls-cert'/'--tls-key': cannot use "
                    + tlsCert + " and " + tlsKey + " as a PEM certificate chain and private key: " + describe(e));
        }
    }

    private void readable(String option, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw invalid(option, "no readable file " + file);
        }
    }

    private ParameterException invalid(String option, String message) {
        return new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + message);
    }

    private static void closeQuietly(AutoCloseable c, Throwable failure) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception | Error e) {
            failure.addSuppressed(e);
        }
    }

    /** The messages of {@code e}'s causes, each once. */
    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
        }
        return sb.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    /** One {@code --token}: a secret and what it may do. {@link #toString} hides the secret. */
    record TokenGrant(String token, Access access) {
        @Override
        public String toString() {
            return "TokenGrant[***, " + access + "]";
        }
    }

    /** A picocli converter that turns an {@link IllegalArgumentException}'s message into picocli's one-line error. */
    abstract static class Parsing<T> implements CommandLine.ITypeConverter<T> {
        abstract T parse(String value);

        @Override
        public final T convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** A port number, 0 (any free port) to 65535. */
    static final class PortConverter extends Parsing<Integer> {
        @Override
        Integer parse(String value) {
            int p;
            try {
                p = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + value + "' is not a port number (0..65535)");
            }
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("a port is within 0..65535, was " + p);
            }
            return p;
        }
    }

    /** {@code --store}'s forms ({@link StoreSpec}). */
    static final class StoreConverter extends Parsing<StoreSpec> {
        @Override
        StoreSpec parse(String value) {
            return StoreSpec.parse(value);
        }
    }

    /** A byte count: a number, optionally with {@code k}/{@code KiB}/{@code KB} or {@code m}/{@code MiB}/{@code MB} (binary). */
    static final class SizeConverter extends Parsing<Integer> {
        private static final Pattern SIZE = Pattern.compile("(\\d{1,10})\\s*(b|k|kb|kib|m|mb|mib)?");

        @Override
        Integer parse(String value) {
            Matcher m = SIZE.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + value + "' is not a size (examples: 1048576, 64KiB, 16MiB)");
            }
            String unit = m.group(2) == null ? "b" : m.group(2);
            long bytes = Long.parseLong(m.group(1)) * (unit.startsWith("k") ? 1024L : unit.startsWith("m") ? 1024L * 1024 : 1L);
            if (bytes < 1024 || bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a frame size is within 1KiB..2GiB, was '" + value + "'");
            }
            return (int) bytes;
        }
    }

    /** {@code TOKEN=ACCESS} ({@link AccessSyntax}). Messages never repeat the token. */
    static final class TokenConverter extends Parsing<TokenGrant> {
        @Override
        TokenGrant parse(String value) {
            int eq = value.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("the value has no '=' (e.g. s3cret=" + AccessSyntax.EXAMPLE + ")");
            }
            String token = value.substring(0, eq).strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("the token before '=' is empty (TOKEN=ACCESS)");
            }
            return new TokenGrant(token, AccessSyntax.parse(value.substring(eq + 1)));
        }
    }
}
