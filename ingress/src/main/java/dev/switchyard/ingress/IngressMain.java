package dev.switchyard.ingress;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.metrics.clickhouse.ClickHouseEndpoint;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.ServiceEnvironment;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.EventSerdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Runs one ingress instance on its own. Configuration from the environment (or {@code --name=value} arguments, see
 * {@link ServiceEnvironment}):
 * <ul>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS} (default 127.0.0.1:9092), {@code SCHEMA_REGISTRY_URL} (required)</li>
 *   <li>{@code SWITCHYARD_HOST} (127.0.0.1), {@code SWITCHYARD_PORT} (8080)</li>
 *   <li>{@code SWITCHYARD_INSTANCE_ID}, {@code SWITCHYARD_CATALOG} (operator catalog files, comma-separated)</li>
 *   <li>{@code SWITCHYARD_REQUEST_TIMEOUT_SECONDS} (600), {@code SWITCHYARD_MAX_BODY_BYTES} (10 MiB),
 *       {@code SWITCHYARD_MAX_IN_FLIGHT} (10000), {@code SWITCHYARD_DRAIN_TIMEOUT_SECONDS} (10),
 *       {@code SWITCHYARD_SLOW_CLIENT_TIMEOUT_SECONDS} (30)</li>
 *   <li>{@code CLICKHOUSE_URL} (unset: experiment reports answer 503), {@code CLICKHOUSE_USER} (default),
 *       {@code CLICKHOUSE_PASSWORD} (empty), {@code CLICKHOUSE_DATABASE} (default): where the metrics stage writes</li>
 * </ul>
 */
public final class IngressMain {
    /** The environment variables this main reads (docker-compose.yml is checked against them). */
    public static final java.util.List<String> ENVIRONMENT = java.util.List.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            "SCHEMA_REGISTRY_URL",
            "SWITCHYARD_HOST",
            "SWITCHYARD_PORT",
            "SWITCHYARD_INSTANCE_ID",
            "SWITCHYARD_REQUEST_TIMEOUT_SECONDS",
            "SWITCHYARD_MAX_BODY_BYTES",
            "SWITCHYARD_MAX_IN_FLIGHT",
            "SWITCHYARD_DRAIN_TIMEOUT_SECONDS",
            "SWITCHYARD_SLOW_CLIENT_TIMEOUT_SECONDS",
            "SWITCHYARD_CATALOG",
            "CLICKHOUSE_URL",
            "CLICKHOUSE_USER",
            "CLICKHOUSE_PASSWORD",
            "CLICKHOUSE_DATABASE");

    private static final Logger LOG = LoggerFactory.getLogger(IngressMain.class);

    private IngressMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceEnvironment env = ServiceEnvironment.of(args);
        String bootstrap = env.bootstrapServers();
        String registry = env.requiredRegistryUrl();
        TopicProvisioner.ensureTopics(bootstrap, TopicLayout.defaults());
        IngressConfig defaults = IngressConfig.defaults(new KafkaSettings(bootstrap, "switchyard"), new EventSerdes(registry),
                ModelCatalog.fromFiles(env.get("SWITCHYARD_CATALOG")));
        IngressConfig base = defaults
                .withHost(env.get("SWITCHYARD_HOST", defaults.host()))
                .withPort(env.getInt("SWITCHYARD_PORT", defaults.port()))
                .withInstanceId(env.get("SWITCHYARD_INSTANCE_ID", defaults.instanceId()))
                .withRequestTimeout(env.seconds("SWITCHYARD_REQUEST_TIMEOUT_SECONDS", Duration.ofSeconds(600)))
                .withMaxBodyBytes(Long.parseLong(env.get("SWITCHYARD_MAX_BODY_BYTES", String.valueOf(defaults.maxBodyBytes()))))
                .withMaxInFlight(env.getInt("SWITCHYARD_MAX_IN_FLIGHT", defaults.maxInFlight()))
                .withDrainTimeout(env.seconds("SWITCHYARD_DRAIN_TIMEOUT_SECONDS", Duration.ofSeconds(10)))
                .withSlowClientTimeout(env.seconds("SWITCHYARD_SLOW_CLIENT_TIMEOUT_SECONDS", defaults.slowClientTimeout()));
        String clickHouseUrl = env.get("CLICKHOUSE_URL");
        if (clickHouseUrl == null) {
            LOG.warn("CLICKHOUSE_URL is not set: experiment reports and the dashboard's charts are unavailable");
        }
        IngressConfig config = clickHouseUrl == null ? base : base.withClickHouse(new ClickHouseEndpoint(clickHouseUrl,
                env.get("CLICKHOUSE_USER", "default"), env.get("CLICKHOUSE_PASSWORD", ""), env.get("CLICKHOUSE_DATABASE", "default")));

        IngressService service = new IngressService(config).start();
        LOG.info("ingress {} listening on {}:{}", config.instanceId(), config.host(), config.port());
        ServiceEnvironment.runUntilStopped("ingress", service);
    }
}
