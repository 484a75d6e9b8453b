package dev.switchyard.metrics;

import dev.switchyard.metrics.clickhouse.ClickHouseEndpoint;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.ServiceEnvironment;
import dev.switchyard.schemas.serde.EventSerdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs the metrics stage on its own. Configuration from the environment (or {@code --name=value} arguments, see
 * {@link ServiceEnvironment}):
 * <ul>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS} (default 127.0.0.1:9092), {@code SCHEMA_REGISTRY_URL} (required)</li>
 *   <li>{@code CLICKHOUSE_URL} (default http://127.0.0.1:8123), {@code CLICKHOUSE_USER} (default),
 *       {@code CLICKHOUSE_PASSWORD} (empty), {@code CLICKHOUSE_DATABASE} (default)</li>
 *   <li>{@code SWITCHYARD_METRICS_APPLICATION_ID} (switchyard-metrics), {@code SWITCHYARD_METRICS_STATE_DIR},
 *       {@code SWITCHYARD_ATTRIBUTION_WINDOW_HOURS} (168), {@code SWITCHYARD_FEEDBACK_MATCH_WAIT_SECONDS} (300),
 *       {@code SWITCHYARD_METRICS_COMMIT_INTERVAL_MS} (1000)</li>
 * </ul>
 */
public final class MetricsStreamsMain {
    /** The environment variables this main reads (docker-compose.yml is checked against them). */
    public static final java.util.List<String> ENVIRONMENT = java.util.List.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            "SCHEMA_REGISTRY_URL",
            "CLICKHOUSE_URL",
            "CLICKHOUSE_USER",
            "CLICKHOUSE_PASSWORD",
            "CLICKHOUSE_DATABASE",
            "SWITCHYARD_METRICS_APPLICATION_ID",
            "SWITCHYARD_METRICS_STATE_DIR",
            "SWITCHYARD_ATTRIBUTION_WINDOW_HOURS",
            "SWITCHYARD_FEEDBACK_MATCH_WAIT_SECONDS",
            "SWITCHYARD_METRICS_COMMIT_INTERVAL_MS");

    private static final Logger LOG = LoggerFactory.getLogger(MetricsStreamsMain.class);

    private MetricsStreamsMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceEnvironment env = ServiceEnvironment.of(args);
        String registry = env.requiredRegistryUrl();
        ClickHouseEndpoint clickHouse = new ClickHouseEndpoint(env.get("CLICKHOUSE_URL", "http://127.0.0.1:8123"),
                env.get("CLICKHOUSE_USER", "default"), env.get("CLICKHOUSE_PASSWORD", ""), env.get("CLICKHOUSE_DATABASE", "default"));
        MetricsStreamsConfig defaults = MetricsStreamsConfig.defaults();
        MetricsStreamsConfig config = defaults
                .withApplicationId(env.get("SWITCHYARD_METRICS_APPLICATION_ID", defaults.applicationId()))
                .withStateDir(Path.of(env.get("SWITCHYARD_METRICS_STATE_DIR", defaults.stateDir().toString())))
                .withCommitInterval(Duration.ofMillis(env.getInt("SWITCHYARD_METRICS_COMMIT_INTERVAL_MS", 1000)))
                .withTopology(defaults.topology()
                        .withAttributionWindow(Duration.ofHours(env.getInt("SWITCHYARD_ATTRIBUTION_WINDOW_HOURS", 168)))
                        .withMatchWait(env.seconds("SWITCHYARD_FEEDBACK_MATCH_WAIT_SECONDS", Duration.ofSeconds(300))));

        MetricsStreamsService service = new MetricsStreamsService(config, new KafkaSettings(env.bootstrapServers(), "switchyard"),
                new EventSerdes(registry), clickHouse).start();
        LOG.info("metrics stage {} running", config.applicationId());
        ServiceEnvironment.runUntilStopped("metrics", service);
    }
}
