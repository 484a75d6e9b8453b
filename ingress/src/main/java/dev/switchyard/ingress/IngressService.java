package dev.switchyard.ingress;

import dev.switchyard.core.router.RouterConfigStore;
import dev.switchyard.core.router.RouterDocuments;
import dev.switchyard.ingress.anthropic.AnthropicErrors;
import dev.switchyard.ingress.anthropic.AnthropicMessagesHandler;
import dev.switchyard.ingress.chat.ChatGateway;
import dev.switchyard.ingress.chat.InFlightLimiter;
import dev.switchyard.ingress.chat.ModelResolver;
import dev.switchyard.ingress.experiments.ExperimentsApi;
import dev.switchyard.ingress.health.HealthChecks;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.HttpListeners;
import dev.switchyard.ingress.kafka.EventPublisher;
import dev.switchyard.ingress.metrics.IngressMetrics;
import dev.switchyard.ingress.models.ModelsHandler;
import dev.switchyard.ingress.openai.OpenAiChatHandler;
import dev.switchyard.ingress.openai.OpenAiChatParser;
import dev.switchyard.ingress.openai.OpenAiErrors;
import dev.switchyard.ingress.providers.ProviderHealthHandler;
import dev.switchyard.ingress.providers.ProviderHealthView;
import dev.switchyard.ingress.replies.PendingRequests;
import dev.switchyard.ingress.replies.ReplyConsumer;
import dev.switchyard.ingress.responses.ResponsesHandler;
import dev.switchyard.ingress.routers.RouterAdminHandler;
import dev.switchyard.ingress.routers.RouterVersionsReader;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The ingress service: the HTTP front door of Switchyard. {@link #start()} connects to Kafka (producer, reply consumer,
 * router store), listens, and returns once it is listening and (normally) ready; {@link #close()} stops taking
 * requests, lets those in flight finish for up to the drain timeout, then releases everything.
 *
 * <pre>
 * GET  /health                      readiness of every check (200 / 503)
 * GET  /metrics                     Prometheus text
 * GET  /v1/models                   catalog models and routers (router/&lt;id&gt;)
 * POST /v1/chat/completions         OpenAI chat completions, streaming or not
 * POST /v1/messages[/count_tokens]  Anthropic Messages, streaming or not; token counting
 * POST /v1/responses                OpenAI Responses API, streaming or not
 * POST|GET /router/v1/routers, GET|PATCH|DELETE /router/v1/routers/{id}, GET /router/v1/routers/{id}/versions
 * GET  /router/v1/providers/health  circuit and Retry-After state per provider/model (from provider.health)
 * POST /v1/feedback, GET /router/v1/routers/{id}/report|timeseries, POST /router/v1/routers/{id}:promote|:restore,
 * GET  /dashboard/                  experiments (see {@link ExperimentsApi})
 * </pre>
 */
public final class IngressService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngressService.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** HTTP servers sharing the port, one per event loop: one per core (see {@link HttpListeners}). */
    private static final int HTTP_EVENT_LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private final IngressConfig config;
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final PendingRequests pending = new PendingRequests();
    private final InFlightLimiter limiter;
    private final IngressMetrics metrics;
    private final HealthChecks health = new HealthChecks();
    private EventPublisher publisher;
    private RouterConfigStore store;
    private ReplyConsumer replies;
    private ProviderHealthView providerHealth;
    private ExperimentsApi experiments;
    private ChatGateway gateway;
    private WorkerExecutor routerChanges;
    private WorkerExecutor routerReads;
    private HttpListeners listeners;
    private volatile boolean started;
    private boolean vertxClosed;

    /** A service with its own Vert.x instance, closed with it. */
    public IngressService(IngressConfig config) {
        // Native transport (epoll) when its library is on the class path: its event loops do less per read and write
        // than NIO's selector (5 % less event-loop CPU at realistic 200 rps, benchmark/README.md, the fifth pass).
        this(Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)), config, true);
    }

    /** A service on a shared Vert.x instance (the launcher's), left open by {@link #close()}. */
    public IngressService(Vertx vertx, IngressConfig config) {
        this(vertx, config, false);
    }

    private IngressService(Vertx vertx, IngressConfig config, boolean ownsVertx) {
        this.config = config;
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.limiter = new InFlightLimiter(config.maxInFlight());
        this.metrics = new IngressMetrics(limiter::inFlight);
    }

    /** Registers a named readiness check (another stage's readiness): {@code /health} is 200 only when all are true. */
    public void registerHealthCheck(String name, BooleanSupplier check) {
        health.register(name, check);
    }

    public synchronized IngressService start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        String id = config.instanceId();
        try {
            publisher = new EventPublisher(config.kafka(), config.serdes(), id + "-producer");
            publisher.warmUp(Duration.ofSeconds(30));
            store = new RouterConfigStore(config.kafka(), config.serdes().routerConfigs, id + "-routers").start();
            replies = new ReplyConsumer(config.kafka(), config.replyGroupId(), id + "-replies", config.serdes().replies, pending).start();
            providerHealth = new ProviderHealthView(config.kafka(), config.serdes().providerHealth, id + "-provider-health").start();

            health.register("kafka_producer", publisher::isHealthy);
            health.register("reply_partitions", replies::isReady);
            health.register("router_store", store::isCaughtUp);
            health.register("accepting", () -> gateway != null && gateway.accepting());
            config.healthChecks().forEach(health::register);

            gateway = new ChatGateway(vertx, publisher, pending, replies, metrics, limiter, config.requestTimeout(),
                    config.slowClientTimeout());
            routerChanges = vertx.createSharedWorkerExecutor(id + "-router-changes", 1);
            routerReads = vertx.createSharedWorkerExecutor(id + "-router-reads", 2);
            Router router = routes();
            listeners = HttpListeners.listen(vertx, new HttpServerOptions().setHost(config.host()).setPort(config.port()),
                    router, HTTP_EVENT_LOOPS, Duration.ofSeconds(30));
            started = true;
            LOG.info("ingress {} listening on http://{}:{} ({} event loops, {} transport)", id, config.host(), listeners.port(),
                    listeners.instances(), vertx.isNativeTransportEnabled() ? "native" : "NIO");
            awaitOwnReadiness();
            return this;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            close();
            throw new IllegalStateException("ingress " + id + " failed to start: " + e.getMessage(), e);
        }
    }

    /** The port it listens on (the chosen one when configured with 0). */
    public int port() {
        return listeners == null ? -1 : listeners.port();
    }

    /** Whether its Vert.x runs on a native transport (epoll on Linux x86-64), not NIO. */
    public boolean nativeTransport() {
        return vertx.isNativeTransportEnabled();
    }

    /** True when every check of {@code /health} is. */
    public boolean isReady() {
        return started && health.allReady();
    }

    /** The reply partitions this instance owns now. */
    public List<Integer> replyPartitions() {
        return replies == null ? List.of() : replies.partitions();
    }

    public PrometheusMeterRegistry meterRegistry() {
        return metrics.registry();
    }

    public RouterConfigStore routerStore() {
        return store;
    }

    private Router routes() {
        ModelResolver models = new ModelResolver(config.catalog());
        OpenAiChatHandler chat = new OpenAiChatHandler(gateway, new OpenAiChatParser(models), metrics);
        RouterAdminHandler admin = new RouterAdminHandler(new RouterDocuments(models::configuredModelId), store, config.kafka(),
                config.serdes(), config.instanceId() + "-router-admin", new RouterVersionsReader(config.kafka(), config.serdes().routerConfigs, config.instanceId() + "-versions"),
                routerChanges, routerReads, metrics);
        ModelsHandler modelList = new ModelsHandler(config.catalog(), store);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());

        Router router = Router.router(vertx);
        router.get("/health").handler(health::handle);
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        router.get("/v1/models").handler(modelList::handle);
        router.get("/router/v1/providers/health").handler(new ProviderHealthHandler(providerHealth, java.time.Clock.systemUTC())::handle);
        router.post("/v1/chat/completions").handler(chat.admission()).handler(body).handler(chat::handle);
        // Anthropic Messages, count_tokens and the Responses API: same gateway, their own parsers and responders.
        router.getWithRegex("/v1/models/.+").handler(modelList::get);
        AnthropicMessagesHandler anthropic = new AnthropicMessagesHandler(gateway, models, metrics);
        router.post("/v1/messages/count_tokens").handler(AnthropicErrors.requestIdHeader()).handler(anthropic.countTokens().admission()).handler(body).handler(anthropic.countTokens()::handle);
        router.post("/v1/messages").handler(AnthropicErrors.requestIdHeader()).handler(anthropic.messages().admission()).handler(body).handler(anthropic.messages()::handle);
        ResponsesHandler responses = new ResponsesHandler(gateway, models, metrics);
        router.post("/v1/responses").handler(responses.endpoint().admission()).handler(body).handler(responses.endpoint()::handle);

        router.post("/router/v1/routers").handler(body).handler(admin::create);
        router.get("/router/v1/routers").handler(admin::list);
        router.get("/router/v1/routers/:id/versions").handler(admin::versions);
        router.get("/router/v1/routers/:id").handler(admin::get);
        router.patch("/router/v1/routers/:id").handler(body).handler(admin::patch);
        router.delete("/router/v1/routers/:id").handler(admin::delete);
        experiments = new ExperimentsApi(vertx, config.instanceId(), config.clickHouse(), store, publisher, admin,
                new RouterDocuments(models::configuredModelId),
                new RouterVersionsReader(config.kafka(), config.serdes().routerConfigs, config.instanceId() + "-ramp-versions"),
                models::isKnownModel, metrics);
        experiments.register(router, body);

        router.errorHandler(413, ctx -> error(ctx, new ApiException(413, "invalid_request_error", null, "request_too_large",
                "The request body is larger than the limit of " + config.maxBodyBytes() + " bytes.")));
        router.errorHandler(404, ctx -> error(ctx, new ApiException(404, "invalid_request_error", null, "unknown_url",
                "Invalid URL (" + ctx.request().method() + " " + ctx.request().path() + ")")));
        router.errorHandler(405, ctx -> error(ctx, new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path())));
        router.errorHandler(500, ctx -> {
            LOG.error("unhandled error on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
            error(ctx, new ApiException(500, "api_error", null, "internal_error", "internal error"));
        });
        return router;
    }

    /** An error no endpoint answered, in the shape of the protocol the client speaks. */
    private void error(RoutingContext ctx, ApiException e) {
        if (ctx.response().headWritten()) {
            return;
        }
        if (AnthropicErrors.isAnthropicRequest(ctx)) {
            AnthropicErrors.send(ctx, e, metrics, "other");
        } else {
            OpenAiErrors.send(ctx, e, metrics, "other");
        }
    }

    /** Waits (bounded) for the reply partitions and the router store; the extra checks are other stages' business. */
    private void awaitOwnReadiness() throws InterruptedException {
        Instant giveUp = Instant.now().plus(START_TIMEOUT);
        while (!(replies.isReady() && store.isCaughtUp())) {
            if (Instant.now().isAfter(giveUp)) {
                LOG.warn("ingress {} is listening but not ready after {}: reply partitions {}, router store caught up {}",
                        config.instanceId(), START_TIMEOUT, replies.partitions(), store.isCaughtUp());
                return;
            }
            Thread.sleep(20);
        }
    }

    /** Stops taking requests, drains those in flight (up to the drain timeout), then closes every client. */
    @Override
    public synchronized void close() {
        if (gateway != null) {
            gateway.stopAccepting();
        }
        if (listeners != null) {
            try {
                // Stops accepting connections; open ones end after their current request, or at the timeout.
                listeners.shutdown(config.drainTimeout());
            } catch (Exception e) {
                LOG.warn("ingress {}: HTTP server shutdown: {}", config.instanceId(), e.toString());
            }
            listeners = null;
        }
        for (AutoCloseable part : new AutoCloseable[]{experiments, replies, providerHealth, store, publisher}) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    LOG.warn("ingress {}: closing {}: {}", config.instanceId(), part.getClass().getSimpleName(), e.toString());
                }
            }
        }
        if (routerChanges != null) {
            routerChanges.close();
            routerReads.close();
        }
        if (ownsVertx && !vertxClosed) {
            vertxClosed = true;
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("ingress {}: closing Vert.x: {}", config.instanceId(), e.toString());
            }
        }
        started = false;
    }
}
