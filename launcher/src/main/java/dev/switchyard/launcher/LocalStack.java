package dev.switchyard.launcher;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.engine.pipeline.EngineConfig;
import dev.switchyard.engine.pipeline.RoutingEngineService;
import dev.switchyard.ingress.IngressConfig;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.mock.MockLlmProvider;
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
 * The whole stack in one process tree: a real Kafka broker and a real schema registry as child processes (unless
 * existing ones are given), the mock LLM provider, and the routing engine, provider workers and ingress in this
 * JVM. Data lives under one folder. {@link #close()} stops everything in reverse order.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final UpOptions options;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private IngressService ingress;
    private MockLlmProvider mock;
    private String bootstrap;
    private String registryUrl;

    public LocalStack(UpOptions options) {
        this.options = options;
    }

    public LocalStack start() throws Exception {
        Files.createDirectories(options.dataDir());
        CompletableFuture<String> kafka = options.kafkaBootstrap() != null
                ? CompletableFuture.completedFuture(options.kafkaBootstrap())
                : CompletableFuture.supplyAsync(this::startKafka);
        CompletableFuture<String> registry = options.schemaRegistry() != null
                ? CompletableFuture.completedFuture(options.schemaRegistry())
                : CompletableFuture.supplyAsync(this::startRegistry);
        bootstrap = kafka.join();
        registryUrl = registry.join();

        TopicProvisioner.ensureTopics(bootstrap, new TopicLayout(options.partitions(), options.partitions(), (short) 1));
        EventSerdes serdes = new EventSerdes(registryUrl);
        serdes.registerAll();
        KafkaSettings kafkaSettings = new KafkaSettings(bootstrap, "switchyard");
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
        ProviderWorkerService workers = remember(new ProviderWorkerService(
                WorkerConfig.defaults(providers), kafkaSettings, serdes, catalog).start());
        ingress = remember(new IngressService(IngressConfig.defaults(kafkaSettings, serdes, catalog)
                .withHost(options.host())
                .withPort(options.port())
                .withInstanceId("ingress-" + instance)
                .withHealthCheck("routing-engine", engine::isReady)
                .withHealthCheck("provider-workers", workers::isReady)).start());
        return this;
    }

    private String startKafka() {
        KafkaBroker broker = remember(KafkaBroker.builder().dataDir(options.dataDir().resolve("kafka")).build().start());
        LOG.info("Kafka broker at {} (data in {})", broker.bootstrapServers(), broker.dataDir());
        return broker.bootstrapServers();
    }

    private String startRegistry() {
        SchemaRegistry registry = remember(SchemaRegistry.builder().dataDir(options.dataDir().resolve("registry")).build().start());
        LOG.info("schema registry at {}", registry.url());
        return registry.url();
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
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", resource, e.toString());
            }
        }
    }
}
