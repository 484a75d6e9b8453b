package dev.switchyard.metrics.streams;

import dev.switchyard.events.Completion;
import dev.switchyard.events.Feedback;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The metrics topology.
 *
 * <pre>
 * llm.completions ─────────────────────────────┐
 * llm.feedback ─► by request id / router|user ─┴► request stage (request store, pending feedback, dedup)
 *                                                   │ CompletionDelta        │ StageEvent
 *                                                   ▼                        ▼ by router|user
 *                            1 min / 1 h windows per variant     user stage (user store, pending, seen)
 *                                  │                                         │ MetricDelta
 *                                  ▼                                         ▼
 *                        metrics.variant-windows        1 min / 1 h windows per variant and metric
 *                                                                            │
 *                                                                            ▼
 *                                                                  metrics.metric-windows
 * </pre>
 *
 * The user stage also writes every attributed feedback event as a row of {@code metric_feedback} to
 * {@code metrics.metric-feedback}.
 *
 * Windows are tumbling on the records' timestamps (the time an event entered Kafka), with a grace period. Every
 * update of a window emits the window's running totals with a growing {@code version}: the rows are idempotent
 * (ClickHouse's ReplacingMergeTree keeps the highest version per window key), so re-delivery never double counts.
 */
public final class MetricsTopology {
    static final List<Duration> WINDOWS = List.of(Duration.ofMinutes(1), Duration.ofHours(1));

    private MetricsTopology() {
    }

    /**
     * @param completionSerde the {@code llm.completions} value serde ({@code EventSerdes.completions} in production)
     * @param feedbackSerde   the {@code llm.feedback} value serde ({@code EventSerdes.feedback} in production)
     */
    public static Topology build(Serde<Completion> completionSerde, Serde<Feedback> feedbackSerde, TopologyOptions options) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "metrics", StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true))));
        addStores(builder, options);
        MetricsTopics topics = options.topics();

        KStream<String, Completion> completions = builder.stream(topics.completions(),
                        Consumed.with(Serdes.String(), completionSerde).withName("completions"))
                .filter((k, c) -> c != null, Named.as("completions-present"))
                // A token count is no chat answer: counted, it would mix its near-zero latency and cost into the variant's.
                .filter((k, c) -> !c.getCountTokens(), Named.as("completions-chat-only"));

        // Feedback goes to the partition of its request (or of its router's user), whatever key its producer chose.
        KStream<String, Object> feedbackByKey = builder.stream(topics.feedback(),
                        Consumed.with(Serdes.String(), feedbackSerde).withName("feedback"))
                .filter((k, f) -> f != null, Named.as("feedback-present"))
                .mapValues(FeedbackEvent::of, Named.as("feedback-event"))
                .filter((k, f) -> Double.isFinite(f.value()), Named.as("feedback-finite"))
                .selectKey((k, f) -> f.attributionKey() != null ? f.attributionKey() : Keys.join("f", f.feedbackId()),
                        Named.as("feedback-attribution-key"))
                .repartition(repartitioned("feedback-by-key", JsonSerde.of(FeedbackEvent.class), options))
                .mapValues(f -> (Object) f, Named.as("feedback-as-event"));

        KStream<String, Object> requestStage = completions
                .mapValues(c -> (Object) c, Named.as("completion-as-event"))
                .merge(feedbackByKey, Named.as("requests-and-feedback"))
                .process(() -> new RequestStage(options), Named.as("request-stage"),
                        RequestStage.REQUESTS_STORE, RequestStage.PENDING_STORE);

        Map<String, KStream<String, Object>> branches = requestStage.split(Named.as("request-stage-"))
                .branch((k, v) -> v instanceof CompletionDelta, Branched.as("completions"))
                .defaultBranch(Branched.as("events"));

        KGroupedStream<String, CompletionDelta> byVariant = branches.get("request-stage-completions")
                .mapValues(v -> (CompletionDelta) v, Named.as("completion-delta"))
                .repartition(repartitioned("completion-deltas", JsonSerde.of(CompletionDelta.class), options))
                .groupByKey(Grouped.with(Serdes.String(), JsonSerde.of(CompletionDelta.class)));
        for (Duration size : WINDOWS) {
            String name = "variant-totals-" + label(size);
            int seconds = (int) size.toSeconds();
            byVariant.windowedBy(TimeWindows.ofSizeAndGrace(size, options.grace()))
                    .aggregate(VariantTotals::empty, (k, delta, totals) -> totals.plus(delta), Named.as(name),
                            Materialized.<String, VariantTotals, WindowStore<Bytes, byte[]>>as(name)
                                    .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(VariantTotals.class)))
                    .toStream(Named.as(name + "-updates"))
                    .map((window, totals) -> {
                        VariantWindowRow row = VariantWindowRow.of(seconds, window.window().start(), totals);
                        return KeyValue.pair(row.key(), row);
                    }, Named.as(name + "-rows"))
                    .to(topics.variantWindows(), Produced.with(Serdes.String(), JsonSerde.of(VariantWindowRow.class))
                            .withName(name + "-sink"));
        }

        Map<String, KStream<String, Object>> userStage = branches.get("request-stage-events")
                .mapValues(v -> (StageEvent) v, Named.as("stage-event"))
                .repartition(repartitioned("by-user", JsonSerde.of(StageEvent.class), options))
                .process(() -> new UserStage(options), Named.as("user-stage"),
                        UserStage.USERS_STORE, UserStage.PENDING_STORE, UserStage.SEEN_STORE)
                .split(Named.as("user-stage-"))
                .branch((k, v) -> v instanceof FeedbackRow, Branched.as("feedback"))
                .defaultBranch(Branched.as("deltas"));
        // One row per attributed feedback event: what the report counts a boolean metric's positive users from.
        userStage.get("user-stage-feedback")
                .mapValues(v -> (FeedbackRow) v, Named.as("feedback-row"))
                .to(topics.metricFeedback(), Produced.with(Serdes.String(), JsonSerde.of(FeedbackRow.class))
                        .withName("feedback-rows-sink"));
        KGroupedStream<String, MetricDelta> byMetric = userStage.get("user-stage-deltas")
                .mapValues(v -> (MetricDelta) v, Named.as("metric-delta"))
                .repartition(repartitioned("metric-deltas", JsonSerde.of(MetricDelta.class), options))
                .groupByKey(Grouped.with(Serdes.String(), JsonSerde.of(MetricDelta.class)));
        for (Duration size : WINDOWS) {
            String name = "metric-totals-" + label(size);
            int seconds = (int) size.toSeconds();
            byMetric.windowedBy(TimeWindows.ofSizeAndGrace(size, options.grace()))
                    .aggregate(MetricTotals::empty, (k, delta, totals) -> totals.plus(delta), Named.as(name),
                            Materialized.<String, MetricTotals, WindowStore<Bytes, byte[]>>as(name)
                                    .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(MetricTotals.class)))
                    .toStream(Named.as(name + "-updates"))
                    .map((window, totals) -> {
                        MetricWindowRow row = MetricWindowRow.of(seconds, window.window().start(), totals);
                        return KeyValue.pair(row.key(), row);
                    }, Named.as(name + "-rows"))
                    .to(topics.metricWindows(), Produced.with(Serdes.String(), JsonSerde.of(MetricWindowRow.class))
                            .withName(name + "-sink"));
        }
        return builder.build();
    }

    private static void addStores(StreamsBuilder builder, TopologyOptions options) {
        Duration tick = Duration.ofMillis(1); // entries are points in time; the store is used for its expiry
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(RequestStage.REQUESTS_STORE, options.attributionWindow(), tick, false),
                Serdes.String(), JsonSerde.of(RequestInfo.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(RequestStage.PENDING_STORE), Serdes.String(), JsonSerde.of(PendingFeedback.class)));
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(UserStage.USERS_STORE, options.attributionWindow(), tick, false),
                Serdes.String(), JsonSerde.of(UserAssignment.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(UserStage.PENDING_STORE), Serdes.String(), JsonSerde.of(PendingFeedback.class)));
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(UserStage.SEEN_STORE, options.userDedupRetention(), tick, false),
                Serdes.String(), Serdes.Long()));
    }

    private static <V> Repartitioned<String, V> repartitioned(String name, Serde<V> valueSerde, TopologyOptions options) {
        Repartitioned<String, V> r = Repartitioned.<String, V>as(name).withKeySerde(Serdes.String()).withValueSerde(valueSerde);
        return options.internalPartitions() == null ? r : r.withNumberOfPartitions(options.internalPartitions());
    }

    static String label(Duration size) {
        return size.toHours() >= 1 ? size.toHours() + "h" : size.toMinutes() + "m";
    }
}
