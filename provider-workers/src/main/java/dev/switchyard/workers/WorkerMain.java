package dev.switchyard.workers;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.ServiceEnvironment;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.workers.health.HealthSettings;
import dev.switchyard.workers.providers.ProvidersConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Runs one provider-worker instance on its own. Configuration from the environment (or {@code --name=value}
 * arguments with the same names, lower-cased with dashes: {@code --kafka-bootstrap-servers=...}):
 * <ul>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS} (default 127.0.0.1:9092), {@code SCHEMA_REGISTRY_URL} (required)</li>
 *   <li>{@code SWITCHYARD_WORKER_ID}, {@code SWITCHYARD_WORKER_MAX_IN_FLIGHT} (512),
 *       {@code SWITCHYARD_WORKER_GROUP} (switchyard-provider-workers),
 *       {@code SWITCHYARD_UPSTREAM_IDLE_TIMEOUT_MS} (300000), {@code SWITCHYARD_WORKER_SHUTDOWN_GRACE_MS} (10000),
 *       {@code SWITCHYARD_WORKER_SESSION_TIMEOUT_MS} (10000), {@code SWITCHYARD_REPLY_COALESCE_MS} (5),
 *       {@code SWITCHYARD_REPLY_HOLD_MS} (0)</li>
 *   <li>circuit breaker: {@code SWITCHYARD_BREAKER_FAILURES} (5 in a row), {@code SWITCHYARD_BREAKER_ERROR_RATE}
 *       (0.5), {@code SWITCHYARD_BREAKER_MIN_CALLS} (20), {@code SWITCHYARD_BREAKER_WINDOW_MS} (60000),
 *       {@code SWITCHYARD_BREAKER_COOL_DOWN_MS} (30000)</li>
 *   <li>{@code SWITCHYARD_CATALOG}: operator catalog files, comma-separated</li>
 *   <li>{@code SWITCHYARD_MOCK_PROVIDER_URL}: answer every provider without key or base URL from this mock</li>
 *   <li>provider variables: {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL}, {@code ANTHROPIC_API_KEY},
 *       {@code GEMINI_API_KEY}, ... (see README)</li>
 * </ul>
 */
public final class WorkerMain {
    /** The environment variables this main reads (docker-compose.yml is checked against them). */
    public static final java.util.List<String> ENVIRONMENT = java.util.List.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            "SCHEMA_REGISTRY_URL",
            "SWITCHYARD_WORKER_ID",
            "SWITCHYARD_WORKER_MAX_IN_FLIGHT",
            "SWITCHYARD_WORKER_GROUP",
            "SWITCHYARD_MOCK_PROVIDER_URL",
            "SWITCHYARD_UPSTREAM_IDLE_TIMEOUT_MS",
            "SWITCHYARD_WORKER_SHUTDOWN_GRACE_MS",
            "SWITCHYARD_WORKER_SESSION_TIMEOUT_MS",
            "SWITCHYARD_REPLY_COALESCE_MS",
            "SWITCHYARD_REPLY_HOLD_MS",
            "SWITCHYARD_BREAKER_FAILURES",
            "SWITCHYARD_BREAKER_ERROR_RATE",
            "SWITCHYARD_BREAKER_MIN_CALLS",
            "SWITCHYARD_BREAKER_WINDOW_MS",
            "SWITCHYARD_BREAKER_COOL_DOWN_MS",
            "SWITCHYARD_CATALOG");

    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceEnvironment env = ServiceEnvironment.of(args);
        String bootstrap = env.bootstrapServers();
        String registry = env.requiredRegistryUrl();
        WorkerConfig config = new WorkerConfig(
                env.get("SWITCHYARD_WORKER_ID", WorkerConfig.newInstanceId()),
                env.getInt("SWITCHYARD_WORKER_MAX_IN_FLIGHT", WorkerConfig.DEFAULT_MAX_IN_FLIGHT),
                env.get("SWITCHYARD_WORKER_GROUP"),
                new ProvidersConfig(Map.of(), env.asMap(), env.get("SWITCHYARD_MOCK_PROVIDER_URL")),
                null,
                env.millis("SWITCHYARD_UPSTREAM_IDLE_TIMEOUT_MS"),
                env.millis("SWITCHYARD_WORKER_SHUTDOWN_GRACE_MS"),
                new HealthSettings(
                        env.getInt("SWITCHYARD_BREAKER_FAILURES", HealthSettings.DEFAULTS.consecutiveFailures()),
                        Double.parseDouble(env.get("SWITCHYARD_BREAKER_ERROR_RATE", String.valueOf(HealthSettings.DEFAULTS.errorRate()))),
                        env.getInt("SWITCHYARD_BREAKER_MIN_CALLS", HealthSettings.DEFAULTS.minCalls()),
                        env.millis("SWITCHYARD_BREAKER_WINDOW_MS"),
                        env.millis("SWITCHYARD_BREAKER_COOL_DOWN_MS")),
                env.millis("SWITCHYARD_WORKER_SESSION_TIMEOUT_MS"),
                env.millis("SWITCHYARD_REPLY_COALESCE_MS"),
                env.millis("SWITCHYARD_REPLY_HOLD_MS"));

        TopicProvisioner.ensureTopics(bootstrap, TopicLayout.defaults());
        ProviderWorkerService service = new ProviderWorkerService(config, new KafkaSettings(bootstrap, "switchyard"),
                new EventSerdes(registry), ModelCatalog.fromFiles(env.get("SWITCHYARD_CATALOG")));
        service.start();
        LOG.info("provider worker {} consuming from {}", config.instanceId(), bootstrap);
        ServiceEnvironment.runUntilStopped("worker", service);
    }
}
