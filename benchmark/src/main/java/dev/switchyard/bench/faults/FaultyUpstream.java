package dev.switchyard.bench.faults;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's faulty provider: an OpenAI-compatible host that accepts a fixed share of the calls and never
 * answers them (a provider hanging before its first token, until the caller gives up and closes the connection), and
 * passes every other call through to the mock provider untouched, streaming included. The hanging calls are spread
 * evenly (call n hangs when ⌊(n+1)·ratio⌋ > ⌊n·ratio⌋), so a short step sees the same share as a long one.
 * Switchyard's primary model is routed here; its fallback model goes to the mock directly.
 */
public final class FaultyUpstream implements AutoCloseable {
    /** Headers that belong to one hop, not to the message. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer",
            "upgrade", "proxy-connection", "host", "content-length");

    private final Vertx vertx;
    private final HttpServer server;
    private final HttpClientAgent client;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong hung = new AtomicLong();

    private FaultyUpstream(Vertx vertx, HttpServer server, HttpClientAgent client) {
        this.vertx = vertx;
        this.server = server;
        this.client = client;
    }

    /** Listens on a free loopback port; {@code target} is the mock's base URL (http://host:port). */
    public static FaultyUpstream start(String target, double hangRatio) throws Exception {
        if (hangRatio < 0 || hangRatio > 1) {
            throw new IllegalArgumentException("the hang ratio must be between 0 and 1");
        }
        URI mock = URI.create(target);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                        .setDefaultHost(mock.getHost()).setDefaultPort(mock.getPort()),
                new PoolOptions().setHttp1MaxSize(2000).setMaxWaitQueueSize(-1));
        FaultyUpstream[] self = new FaultyUpstream[1];
        HttpServer server = vertx.createHttpServer().requestHandler(request -> self[0].handle(request, hangRatio));
        self[0] = new FaultyUpstream(vertx, server, client);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return self[0];
    }

    /** The base URL as an OpenAI SDK takes it: {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    public long calls() {
        return calls.get();
    }

    public long hung() {
        return hung.get();
    }

    private void handle(HttpServerRequest request, double ratio) {
        long n = calls.getAndIncrement();
        if (Math.floor((n + 1) * ratio) > Math.floor(n * ratio)) {
            hung.incrementAndGet();
            request.pause(); // accepted, and never answered: the caller's TTFT deadline or hedge has to deal with it
            return;
        }
        request.pause();
        RequestOptions options = new RequestOptions().setMethod(request.method() == null ? HttpMethod.POST : request.method())
                .setURI(request.uri());
        request.headers().forEach((name, value) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                options.addHeader(name, value);
            }
        });
        client.request(options).onComplete(ar -> {
            if (ar.failed()) {
                request.response().setStatusCode(502).end();
                return;
            }
            var upstream = ar.result();
            upstream.setChunked(true);
            upstream.exceptionHandler(e -> { }); // a reset after the caller left (TTFT cut, lost hedge) is expected
            upstream.response().onSuccess(response -> {
                var out = request.response().setStatusCode(response.statusCode());
                response.headers().forEach((name, value) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                        out.putHeader(name, value);
                    }
                });
                out.setChunked(true);
                // Not a pipe: the caller may close mid-answer (a TTFT cut, a lost hedge), and the rest is then dropped.
                response.handler(buffer -> {
                    if (!out.ended() && !out.closed()) {
                        out.write(buffer);
                    }
                });
                response.endHandler(v -> {
                    if (!out.ended() && !out.closed()) {
                        out.end();
                    }
                });
                response.exceptionHandler(e -> out.reset());
            }).onFailure(e -> {
                if (!request.response().ended() && !request.response().closed()) {
                    request.response().setStatusCode(502).end();
                }
            });
            request.resume();
            request.pipeTo(upstream);
            request.response().closeHandler(v -> upstream.reset());
        });
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            client.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // stopping anyway
        }
    }

    @Override
    public String toString() {
        return "FaultyUpstream[" + baseUrl() + ", " + hung.get() + " of " + calls.get() + " calls hung]";
    }
}
