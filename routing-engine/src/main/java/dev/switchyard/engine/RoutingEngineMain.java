package dev.switchyard.engine;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.engine.pipeline.EngineConfig;
import dev.switchyard.engine.pipeline.RoutingEngineService;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.ServiceEnvironment;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.EventSerdes;

import java.util.UUID;

/**
 * Runs one routing-engine instance on its own. Environment (or {@code --name=value} arguments, see
 * {@link ServiceEnvironment}): {@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code SCHEMA_REGISTRY_URL} (Confluent API base URL, required), {@code SWITCHYARD_CATALOG} (extra catalog files),
 * {@code SWITCHYARD_INSTANCE_ID}. Run as many as needed: they share the consumer group.
 */
public final class RoutingEngineMain {
    /** The environment variables this main reads (docker-compose.yml is checked against them). */
    public static final java.util.List<String> ENVIRONMENT = java.util.List.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            "SCHEMA_REGISTRY_URL",
            "SWITCHYARD_INSTANCE_ID",
            "SWITCHYARD_CATALOG");

    private RoutingEngineMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceEnvironment env = ServiceEnvironment.of(args);
        String bootstrap = env.bootstrapServers();
        String registry = env.requiredRegistryUrl();
        String instance = env.get("SWITCHYARD_INSTANCE_ID", "engine-" + UUID.randomUUID().toString().substring(0, 8));
        TopicProvisioner.ensureTopics(bootstrap, TopicLayout.defaults());
        RoutingEngineService service = new RoutingEngineService(EngineConfig.defaults(instance),
                new KafkaSettings(bootstrap, "switchyard"), new EventSerdes(registry), ModelCatalog.fromFiles(env.get("SWITCHYARD_CATALOG"))).start();
        ServiceEnvironment.runUntilStopped("routing-engine", service);
    }
}
