package io.sluice.node;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The node's HTTP port: {@code GET /metrics} (Prometheus text of the engine's registry) and {@code GET /health}
 * (JSON, 200 when up, 503 when down); any other request gets 404. Scrapes run on Reactor's bounded-elastic pool,
 * not on the event loop: a registry with many partitions' histograms takes milliseconds to format.
 */
final class HttpEndpoints {
    /** The Prometheus text exposition format, version 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private HttpEndpoints() {
    }

    /** Binds {@code host:port} (0: any free port) and serves until the returned server is disposed. */
    static DisposableServer start(String host, int port, PrometheusMeterRegistry registry, Supplier<Mono<Health>> health) {
        return HttpServer.create().host(host).port(port)
                .route(routes -> routes
                        .get("/metrics", (req, res) -> res.header(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT)
                                .sendString(Mono.fromCallable(registry::scrape).subscribeOn(Schedulers.boundedElastic())))
                        .get("/health", (req, res) -> health.get().flatMap(h -> res
                                .status(h.up() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE)
                                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                                .sendString(Mono.just(h.json())).then())))
                .bindNow(Duration.ofSeconds(30));
    }

    /** What {@code /health} answers. {@code error} is null when up. */
    record Health(String name, String store, int connections, String error) {
        boolean up() {
            return error == null;
        }

        String json() {
            StringBuilder sb = new StringBuilder("{\"status\":\"").append(up() ? "UP" : "DOWN").append('"');
            sb.append(",\"name\":").append(quote(name));
            sb.append(",\"store\":").append(quote(store));
            sb.append(",\"connections\":").append(connections);
            if (error != null) {
                sb.append(",\"error\":").append(quote(error));
            }
            return sb.append('}').toString();
        }

        private static String quote(String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.append('"').toString();
        }
    }
}
