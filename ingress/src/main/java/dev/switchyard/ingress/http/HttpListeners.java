package dev.switchyard.ingress.http;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ingress HTTP server, on several event loops. A Vert.x {@link HttpServer} serves every connection it accepts
 * from the one event loop it was created on, so a single server put all of ingress's HTTP work (parsing requests,
 * writing every streamed chunk) on one thread: the benchmark showed that thread busy while the other core had room.
 * Here {@code instances} servers listen on the same host and port, each created by its own verticle instance and so
 * on its own event loop; Vert.x shares one listening socket between them and hands accepted connections out in turn.
 * The request handler must therefore be safe to call from several threads (each request still lives on one).
 */
public final class HttpListeners {
    /**
     * Port 0 would give each server its own random port. A negative port means "a random port, shared by every server
     * of this Vert.x instance using the same negative value": one fresh value per listener keeps two ingress services
     * on one Vert.x instance apart.
     */
    private static final AtomicInteger SHARED_RANDOM_PORT = new AtomicInteger();

    private final Vertx vertx;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final String deploymentId;

    private HttpListeners(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> handler, int instances,
                          Duration timeout) throws Exception {
        this.vertx = vertx;
        this.deploymentId = vertx.deployVerticle(() -> new ServerVerticle(options, handler),
                        new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Listens on {@code options}' host and port (0: a free one) with {@code instances} servers; waits until they do. */
    public static HttpListeners listen(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> handler,
                                       int instances, Duration timeout) throws Exception {
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be >= 1");
        }
        HttpServerOptions shared = new HttpServerOptions(options);
        if (shared.getPort() == 0) {
            shared.setPort(-SHARED_RANDOM_PORT.incrementAndGet());
        }
        return new HttpListeners(vertx, shared, handler, instances, timeout);
    }

    /** The port every server listens on. */
    public int port() {
        return servers.get(0).actualPort();
    }

    /** How many servers (event loops) take connections. */
    public int instances() {
        return servers.size();
    }

    /**
     * Stops accepting connections; open ones end after their current request or at {@code drain}; then the servers'
     * verticles are undeployed.
     */
    public void shutdown(Duration drain) throws Exception {
        Future.all(servers.stream().map(s -> s.shutdown(drain.toMillis(), TimeUnit.MILLISECONDS)).toList())
                .transform(ar -> vertx.undeploy(deploymentId))
                .toCompletionStage().toCompletableFuture().get(drain.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    }

    private final class ServerVerticle extends VerticleBase {
        private final HttpServerOptions options;
        private final Handler<HttpServerRequest> handler;

        ServerVerticle(HttpServerOptions options, Handler<HttpServerRequest> handler) {
            this.options = options;
            this.handler = handler;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(options).requestHandler(handler).listen().onSuccess(servers::add);
        }
    }
}
