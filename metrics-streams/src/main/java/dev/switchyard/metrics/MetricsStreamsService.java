package dev.switchyard.metrics;

import dev.switchyard.metrics.clickhouse.ClickHouseConnection;
import dev.switchyard.metrics.clickhouse.ClickHouseEndpoint;
import dev.switchyard.metrics.clickhouse.ClickHouseMigrations;
import dev.switchyard.metrics.clickhouse.ClickHouseSink;
import dev.switchyard.metrics.streams.MetricsTopics;
import dev.switchyard.metrics.streams.MetricsTopology;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.serde.EventSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The metrics stage: applies the ClickHouse migrations, runs the Kafka Streams topology (per-variant windows,
 * feedback attribution) and the ClickHouse sink (request log and window rows).
 *
 * <pre>{@code
 * MetricsStreamsService metrics = new MetricsStreamsService(MetricsStreamsConfig.defaults(),
 *         new KafkaSettings(bootstrap, "switchyard"), new EventSerdes(registryUrl), ClickHouseEndpoint.of(url)).start();
 * metrics.isReady();
 * metrics.close();
 * }</pre>
 */
public final class MetricsStreamsService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsStreamsService.class);
    /** Stream-thread failures replaced before the instance gives up (and reports not ready). */
    private static final int MAX_THREAD_REPLACEMENTS = 10;

    private final MetricsStreamsConfig config;
    private final KafkaSettings kafka;
    private final EventSerdes serdes;
    private final ClickHouseEndpoint endpoint;
    private ClickHouseConnection clickHouse;
    private KafkaStreams streams;
    private ClickHouseSink sink;
    private List<Integer> appliedMigrations = List.of();

    public MetricsStreamsService(MetricsStreamsConfig config, KafkaSettings kafka, EventSerdes serdes, ClickHouseEndpoint clickHouse) {
        this.config = config;
        this.kafka = kafka;
        this.serdes = serdes;
        this.endpoint = clickHouse;
    }

    /** Migrates ClickHouse, creates missing topics, starts Streams and the sink. Returns once they are started (not yet ready). */
    public synchronized MetricsStreamsService start() {
        if (streams != null) {
            throw new IllegalStateException("already started");
        }
        clickHouse = new ClickHouseConnection(endpoint);
        appliedMigrations = ClickHouseMigrations.apply(clickHouse);
        int partitions = prepareTopics();

        Topology topology = MetricsTopology.build(serdes.completions, serdes.feedback,
                config.topology().withInternalPartitions(partitions));
        streams = new KafkaStreams(topology, StreamsProperties.of(config, kafka.bootstrapServers(), kafka.clientIdPrefix()));
        AtomicInteger replaced = new AtomicInteger();
        streams.setUncaughtExceptionHandler(e -> {
            if (replaced.incrementAndGet() > MAX_THREAD_REPLACEMENTS) {
                LOG.error("metrics stream thread failed again; shutting the metrics topology down", e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.error("metrics stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        sink = new ClickHouseSink(kafka, config.sinkGroupId(), config.topics(), serdes.completions.deserializer(),
                clickHouse, config.sinkBatchRows(), config.sinkMaxDelay()).start();
        LOG.info("metrics stage started: application {}, ClickHouse {}", config.applicationId(), endpoint);
        return this;
    }

    /** Streams is RUNNING and the sink is running with its last insert successful. */
    public synchronized boolean isReady() {
        return streams != null && streams.state() == KafkaStreams.State.RUNNING && sink != null && sink.isHealthy();
    }

    public synchronized KafkaStreams.State streamsState() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /** Migration versions this start applied (empty when ClickHouse was up to date). */
    public List<Integer> appliedMigrations() {
        return appliedMigrations;
    }

    public ClickHouseEndpoint clickHouse() {
        return endpoint;
    }

    public long rowsWritten() {
        return sink == null ? 0 : sink.rowsWritten();
    }

    /**
     * Creates missing input and output topics (when configured to) and returns the partition count of the
     * completions topic, which the topology's repartition topics must match.
     */
    private int prepareTopics() {
        MetricsTopics topics = config.topics();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            if (config.createTopics()) {
                Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                int partitions = TopicLayout.defaults().partitions();
                List<NewTopic> missing = new ArrayList<>();
                for (String input : List.of(topics.completions(), topics.feedback())) {
                    if (!existing.contains(input)) {
                        missing.add(new NewTopic(input, Optional.of(partitions), Optional.empty()));
                    }
                }
                for (String output : List.of(topics.variantWindows(), topics.metricWindows())) {
                    if (!existing.contains(output)) {
                        missing.add(new NewTopic(output, Optional.of(partitions), Optional.empty())
                                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
                    }
                }
                if (!existing.contains(topics.metricFeedback())) {
                    // One row per feedback event (unique keys: compaction would keep them all); the sink has 30 days.
                    missing.add(new NewTopic(topics.metricFeedback(), Optional.of(partitions), Optional.empty())
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                                    TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(30).toMillis()))));
                }
                if (!missing.isEmpty()) {
                    try {
                        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                }
            }
            TopicDescription completions = admin.describeTopics(List.of(topics.completions()))
                    .allTopicNames().get(30, TimeUnit.SECONDS).get(topics.completions());
            return completions.partitions().size();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot prepare the metrics topics on " + kafka.bootstrapServers() + ": " + e, e);
        }
    }

    @Override
    public synchronized void close() {
        if (sink != null) {
            sink.close();
        }
        if (streams != null) {
            if (!streams.close(Duration.ofSeconds(30))) {
                LOG.warn("Kafka Streams did not close within 30 s");
            }
        }
        if (clickHouse != null) {
            clickHouse.close();
        }
    }
}
