package io.sluice.node;

import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** A GET against a node's HTTP port, waited for on the test thread (not a Reactor thread, so blocking is fine). */
record Http(int status, String contentType, String cacheControl, String body) {
    static Http get(int port, String path) {
        return HttpClient.create().get().uri("http://127.0.0.1:" + port + path)
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("")
                        .map(b -> new Http(res.status().code(), res.responseHeaders().get("content-type"),
                                res.responseHeaders().get("cache-control"), b)))
                .switchIfEmpty(Mono.error(new AssertionError("no response to GET " + path)))
                .block(Duration.ofSeconds(30));
    }
}
