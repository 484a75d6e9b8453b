package dev.switchyard.launcher;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.engine.pipeline.EngineConfig;
import dev.switchyard.engine.pipeline.RoutingEngineService;
import dev.switchyard.ingress.IngressConfig;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.metrics.MetricsStreamsConfig;
import dev.switchyard.metrics.MetricsStreamsService;
import dev.switchyard.metrics.clickhouse.ClickHouseEndpoint;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.mock.MockLlmProvider;
import dev.switchyard.testsupport.services.ClickHouseServer;
import dev.switchyard.testsupport.services.KafkaBroker;
import dev.switchyard.testsupport.services.SchemaRegistry;
import dev.switchyard.workers.ProviderWorkerService;
import dev.switchyard.workers.WorkerConfig;
import dev.switchyard.workers.providers.ProvidersConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The whole stack in one process tree: a real Kafka broker, a real schema registry and ClickHouse (Debian's
 * clickhouse-server) as child processes (unless existing ones are given), the mock LLM provider, and the routing
 * engine, provider workers, metrics stage and ingress in this JVM. Data lives under one folder. {@link #close()} stops
 * everything in reverse order.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final UpOptions options;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private IngressService ingress;
    private MockLlmProvider mock;
    private String bootstrap;
    private String registryUrl;
    private String clickHouseUrl;

    public LocalStack(UpOptions options) {
        this.options = options;
    }

    public LocalStack start() throws Exception {
        Files.createDirectories(options.dataDir());
        // Checked (and installed, when we may) before anything starts, so a missing ClickHouse fails fast.
        if (options.clickHouseUrl() == null) {
            ClickHouseInstall.ensureBinary();
        }
        CompletableFuture<String> kafka = options.kafkaBootstrap() != null
                ? CompletableFuture.completedFuture(options.kafkaBootstrap())
                : CompletableFuture.supplyAsync(this::startKafka);
        CompletableFuture<String> registry = options.schemaRegistry() != null
                ? CompletableFuture.completedFuture(options.schemaRegistry())
                : CompletableFuture.supplyAsync(this::startRegistry);
        CompletableFuture<String> clickHouse = options.clickHouseUrl() != null
                ? CompletableFuture.completedFuture(options.clickHouseUrl())
                : CompletableFuture.supplyAsync(this::startClickHouse);
        bootstrap = kafka.join();
        registryUrl = registry.join();
        clickHouseUrl = clickHouse.join();

        TopicProvisioner.ensureTopics(bootstrap, new TopicLayout(options.partitions(), options.partitions(), (short) 1));
        EventSerdes serdes = new EventSerdes(registryUrl);
        serdes.registerAll();
        // One producer for ingress, the routing engine and the workers' replies (see SharedProducer).
        KafkaSettings kafkaSettings = new KafkaSettings(bootstrap, "switchyard").sharingOneProducer();
        ModelCatalog catalog = ModelCatalog.load(options.catalogFiles());

        String mockUrl = null;
        if (!options.mock().equals("off")) {
            mock = remember(MockLlmProvider.builder().host("127.0.0.1").port(options.mockPort()).start());
            mockUrl = mock.baseUrl();
        }
        ProvidersConfig providers = options.mock().equals("on") ? ProvidersConfig.mock(mockUrl)
                : ProvidersConfig.fromEnvironment(mockUrl);

        String instance = UUID.randomUUID().toString().substring(0, 8);
        RoutingEngineService engine = remember(new RoutingEngineService(EngineConfig.defaults("engine-" + instance),
                kafkaSettings, serdes, catalog).start());
        WorkerConfig workerConfig = WorkerConfig.defaults(providers);
        if (options.replyCoalescing() != null) {
            workerConfig = workerConfig.withReplyCoalescing(options.replyCoalescing());
        }
        if (options.replyHold() != null) {
            workerConfig = workerConfig.withReplyHold(options.replyHold());
        }
        ProviderWorkerService workers = remember(new ProviderWorkerService(workerConfig, kafkaSettings, serdes, catalog).start());
        ClickHouseEndpoint clickHouseEndpoint = ClickHouseEndpoint.of(clickHouseUrl);
        MetricsStreamsService metrics = remember(new MetricsStreamsService(MetricsStreamsConfig.defaults()
                .withStateDir(options.dataDir().resolve("metrics-streams")), kafkaSettings, serdes, clickHouseEndpoint).start());
        ingress = remember(new IngressService(IngressConfig.defaults(kafkaSettings, serdes, catalog)
                .withHost(options.host())
                .withPort(options.port())
                .withInstanceId("ingress-" + instance)
                .withClickHouse(clickHouseEndpoint)
                .withHealthCheck("routing-engine", engine::isReady)
                .withHealthCheck("provider-workers", workers::isReady)
                .withHealthCheck("metrics-streams", metrics::isReady)).start());
        return this;
    }

    private String startKafka() {
        KafkaBroker broker = remember(KafkaBroker.builder().dataDir(options.dataDir().resolve("kafka")).stopOnJvmExit(false).build().start());
        LOG.info("Kafka broker at {} (data in {})", broker.bootstrapServers(), broker.dataDir());
        return broker.bootstrapServers();
    }

    private String startRegistry() {
        SchemaRegistry registry = remember(SchemaRegistry.builder().dataDir(options.dataDir().resolve("registry")).stopOnJvmExit(false).build().start());
        LOG.info("schema registry at {}", registry.url());
        return registry.url();
    }

    private String startClickHouse() {
        ClickHouseServer server = remember(ClickHouseServer.builder().dataDir(options.dataDir().resolve("clickhouse")).start());
        LOG.info("ClickHouse at {} (data in {})", server.httpUrl(), server.dataDir());
        return server.httpUrl();
    }

    private synchronized <T extends AutoCloseable> T remember(T resource) {
        started.push(resource);
        return resource;
    }

    public boolean isReady() {
        return ingress != null && ingress.isReady();
    }

    public String baseUrl() {
        return "http://" + options.host() + ":" + ingress.port();
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public String registryUrl() {
        return registryUrl;
    }

    public String clickHouseUrl() {
        return clickHouseUrl;
    }

    public MockLlmProvider mock() {
        return mock;
    }

    public Path dataDir() {
        return options.dataDir();
    }

    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable resource = started.pop();
            long begin = System.nanoTime();
            try {
                resource.close();
                LOG.info("stopped {} in {} ms", resource.getClass().getSimpleName(), (System.nanoTime() - begin) / 1_000_000);
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", resource, e.toString());
            }
        }
    }
}
