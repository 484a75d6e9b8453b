package dev.switchyard.metrics;

import dev.switchyard.metrics.clickhouse.ClickHouseEndpoint;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.EventSerdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the metrics stage on its own. Configuration from the environment:
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
        String bootstrap = env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        String registry = System.getenv("SCHEMA_REGISTRY_URL");
        if (registry == null || registry.isBlank()) {
            System.err.println("SCHEMA_REGISTRY_URL is required (e.g. http://127.0.0.1:8081/apis/ccompat/v7)");
            System.exit(2);
        }
        ClickHouseEndpoint clickHouse = new ClickHouseEndpoint(env("CLICKHOUSE_URL", "http://127.0.0.1:8123"),
                env("CLICKHOUSE_USER", "default"), env("CLICKHOUSE_PASSWORD", ""), env("CLICKHOUSE_DATABASE", "default"));
        MetricsStreamsConfig defaults = MetricsStreamsConfig.defaults();
        MetricsStreamsConfig config = defaults
                .withApplicationId(env("SWITCHYARD_METRICS_APPLICATION_ID", defaults.applicationId()))
                .withStateDir(Path.of(env("SWITCHYARD_METRICS_STATE_DIR", defaults.stateDir().toString())))
                .withCommitInterval(Duration.ofMillis(Long.parseLong(env("SWITCHYARD_METRICS_COMMIT_INTERVAL_MS", "1000"))))
                .withTopology(defaults.topology()
                        .withAttributionWindow(Duration.ofHours(Long.parseLong(env("SWITCHYARD_ATTRIBUTION_WINDOW_HOURS", "168"))))
                        .withMatchWait(Duration.ofSeconds(Long.parseLong(env("SWITCHYARD_FEEDBACK_MATCH_WAIT_SECONDS", "300")))));

        MetricsStreamsService service = new MetricsStreamsService(config, new KafkaSettings(bootstrap, "switchyard"),
                new EventSerdes(registry), clickHouse).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping the metrics stage");
            service.close();
            stopped.countDown();
        }, "metrics-shutdown"));
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
