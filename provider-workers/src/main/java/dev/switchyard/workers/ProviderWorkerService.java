package dev.switchyard.workers;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.workers.dispatch.ControlConsumer;
import dev.switchyard.workers.dispatch.DispatchConsumer;
import dev.switchyard.workers.dispatch.RequestExecutor;
import dev.switchyard.workers.failover.AttemptIds;
import dev.switchyard.workers.failover.WorkerRuntime;
import dev.switchyard.workers.health.HealthBook;
import dev.switchyard.workers.health.HealthTopic;
import dev.switchyard.workers.metrics.WorkerMetrics;
import dev.switchyard.workers.providers.ProviderAdapters;
import dev.switchyard.workers.providers.ProviderRegistry;
import dev.switchyard.workers.providers.http.UpstreamHttp;
import dev.switchyard.workers.replies.KafkaSender;
import dev.switchyard.workers.replies.Coalescing;
import dev.switchyard.workers.replies.ReplyPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The provider-worker service: consumes {@code llm.dispatch}, calls providers through their adapters with failover
 * along each request's candidates, streams reply chunks to the requester's reply partition and publishes one
 * Completion per request; CANCELs on {@code llm.control} stop the matching call. Owns its Vert.x instance (HTTP
 * client, timers), two Kafka producers (reply chunks, on the client's time to first token, and the rest) and its
 * consumer threads.
 */
public final class ProviderWorkerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderWorkerService.class);

    private final WorkerConfig config;
    private final KafkaSettings kafka;
    private final EventSerdes serdes;
    private final ModelCatalog catalog;
    private final WorkerMetrics metrics;
    private Vertx vertx;
    private UpstreamHttp http;
    private Producer<String, byte[]> producer;
    private KafkaSender sender;
    private RequestExecutor executor;
    private DispatchConsumer dispatchConsumer;
    private ControlConsumer controlConsumer;
    private HealthBook health;
    private HealthTopic healthTopic;
    private Thread dispatchThread;
    private Thread controlThread;
    private volatile boolean started;
    private volatile boolean closed;

    public ProviderWorkerService(WorkerConfig config, KafkaSettings kafka, EventSerdes serdes, ModelCatalog catalog) {
        this(config, kafka, serdes, catalog, new SimpleMeterRegistry());
    }

    public ProviderWorkerService(WorkerConfig config, KafkaSettings kafka, EventSerdes serdes, ModelCatalog catalog,
                                 MeterRegistry meters) {
        this.config = config;
        this.kafka = kafka;
        this.serdes = serdes;
        this.catalog = catalog;
        this.metrics = new WorkerMetrics(meters);
    }

    /** Connects and starts consuming; returns once the threads run (see {@link #isReady()}). */
    public synchronized ProviderWorkerService start() {
        if (started) {
            return this;
        }
        try {
            doStart();
        } catch (RuntimeException e) {
            releasePartialStart();
            throw e;
        }
        started = true;
        LOG.info("provider worker {} started (max {} in flight, group {}, {} transport)", config.instanceId(),
                config.maxInFlight(), config.consumerGroup(), vertx.isNativeTransportEnabled() ? "native" : "NIO");
        return this;
    }

    private void doStart() {
        // Register schemas up front: the first reply must not wait for (or block an event loop on) the registry.
        serdes.replies.registerFor(Topics.REPLIES);
        serdes.completions.registerFor(Topics.COMPLETIONS);
        serdes.providerHealth.registerFor(Topics.PROVIDER_HEALTH);
        int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
        // Native transport (epoll) when its library is on the class path: less work per provider chunk than NIO.
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setPreferNativeTransport(true));
        http = new UpstreamHttp(vertx, config.connectTimeout(), config.idleTimeout(), Math.max(16, config.maxInFlight()));
        String clientId = "worker-" + config.instanceId();
        // One producer (the process's shared one under the launcher) and one sender thread for everything the worker
        // publishes. A request's Completion is queued right behind its final chunk, so both usually leave in one produce
        // request; Completions on a producer of their own (linger 5 ms) cost a produce request, a sender thread and a
        // producer I/O thread more (benchmark README, tenth pass).
        producer = kafka.openProducer(clientId);
        // Fetch metadata now: a send must never wait for it on an event loop.
        producer.partitionsFor(Topics.REPLIES);
        producer.partitionsFor(Topics.COMPLETIONS);
        producer.partitionsFor(Topics.PROVIDER_HEALTH);
        // With a hold (off by default), an attempt's first chunk goes at once (TTFT) and later ones wait for other
        // requests' chunks, so that one produce request carries many (realistic streaming, warm: gateway CPU -24 to
        // -30 % at 50 rps, -25 % at 100, 0-7 % at 200, where chunks already meet while a request is out).
        sender = new KafkaSender(producer, 100_000, "worker-send-" + config.instanceId(), config.replyHold());
        // Circuit breakers and Retry-Afters, shared with every other worker through provider.health.
        HealthTopic[] topic = new HealthTopic[1];
        health = new HealthBook(config.instanceId(), config.health(), Clock.systemUTC(), r -> topic[0].publish(r), metrics);
        healthTopic = new HealthTopic(sender,
                new KafkaConsumer<>(kafka.consumer(null, clientId + "-health"), new StringDeserializer(), new ByteArrayDeserializer()),
                serdes.providerHealth, health, "worker-health-" + config.instanceId());
        topic[0] = healthTopic;
        WorkerRuntime runtime = new WorkerRuntime(vertx, catalog, new ProviderRegistry(config.providers()),
                new ProviderAdapters(http), new ReplyPublisher(sender, serdes), health,
                new AttemptIds(config.instanceId()), metrics, Clock.systemUTC(),
                Coalescing.onVertx(vertx, config.replyCoalescing().toMillis()));
        executor = new RequestExecutor(runtime, eventLoops);

        Map<String, Object> dispatchProps = kafka.consumer(config.consumerGroup(), clientId + "-dispatch");
        dispatchProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(500, config.maxInFlight()));
        // A crashed worker's requests wait for this long before another worker takes them over.
        dispatchProps.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
        dispatchProps.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500, config.sessionTimeout().toMillis() / 4));
        // Only partitions that move are revoked, and their running requests are handed over (see DispatchConsumer).
        dispatchProps.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        dispatchConsumer = new DispatchConsumer(
                new KafkaConsumer<>(dispatchProps, new StringDeserializer(), new ByteArrayDeserializer()),
                serdes.dispatch, executor::submit, config.maxInFlight(), new DispatchConsumer.Handover() {
                    @Override
                    public boolean answering(String requestId) {
                        return executor.answering(requestId);
                    }

                    @Override
                    public void abandon(String requestId) {
                        executor.abandon(requestId);
                    }
                });
        metrics.inFlight(dispatchConsumer::inFlight);
        controlConsumer = new ControlConsumer(
                new KafkaConsumer<>(kafka.consumer(null, clientId + "-control"), new StringDeserializer(), new ByteArrayDeserializer()),
                serdes.control, executor::cancel);

        healthTopic.start();
        controlThread = new Thread(controlConsumer, "worker-control-" + config.instanceId());
        dispatchThread = new Thread(dispatchConsumer, "worker-dispatch-" + config.instanceId());
        controlThread.start();
        dispatchThread.start();
    }

    private void releasePartialStart() {
        if (sender != null) {
            sender.close();
        }
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
        if (http != null) {
            http.close();
        }
        if (vertx != null) {
            vertx.close();
        }
    }

    /** Consuming dispatches (partitions assigned), listening for cancellations, and up to date on provider.health. */
    public boolean isReady() {
        return started && !closed && dispatchConsumer.isRunning() && dispatchConsumer.isAssigned()
                && controlConsumer.isRunning() && controlConsumer.isPositioned()
                && healthTopic.isRunning() && healthTopic.isCaughtUp();
    }

    /** Whether its Vert.x (the provider calls) runs on a native transport (epoll on Linux x86-64), not NIO. */
    public boolean nativeTransport() {
        return vertx != null && vertx.isNativeTransportEnabled();
    }

    /** This worker's view of every provider/model's circuit and Retry-After (null before {@link #start()}). */
    public HealthBook health() {
        return health;
    }

    public WorkerConfig config() {
        return config;
    }

    public MeterRegistry meters() {
        return metrics.registry();
    }

    /**
     * Stops taking dispatches, lets running requests finish for up to {@link WorkerConfig#shutdownGrace()}, then
     * abandons the rest without publishing anything (their dispatches stay uncommitted and go to another worker).
     */
    @Override
    public synchronized void close() {
        if (!started || closed) {
            return;
        }
        closed = true;
        dispatchConsumer.drain();
        Instant graceEnd = Instant.now().plus(config.shutdownGrace());
        while (executor.running() > 0 && Instant.now().isBefore(graceEnd)) {
            try {
                Thread.sleep(20); // shutdown only: waiting for in-flight requests to drain
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        executor.abandonAll();
        dispatchConsumer.stop();
        controlConsumer.stop();
        healthTopic.close();
        join(dispatchThread);
        join(controlThread);
        sender.close();
        producer.close(Duration.ofSeconds(5));
        http.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("vert.x did not close cleanly: {}", e.toString());
        }
        LOG.info("provider worker {} stopped", config.instanceId());
    }

    private static void join(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
