package dev.switchyard.metrics.streams;

import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.Feedback;
import dev.switchyard.metrics.MetricsStreamsConfig;
import dev.switchyard.metrics.StreamsProperties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.Function;

import static dev.switchyard.metrics.Events.byRequest;
import static dev.switchyard.metrics.Events.byUser;
import static dev.switchyard.metrics.Events.completion;
import static org.assertj.core.api.Assertions.assertThat;

/** The topology with {@link TopologyTestDriver}: windows, attribution, late and unattributed feedback, idempotent rows. */
class MetricsTopologyTest {
    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    private static final Duration MATCH_WAIT = Duration.ofMinutes(5);
    private static final MetricsTopics TOPICS = MetricsTopics.defaults();

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, Completion> completions;
    private TestInputTopic<String, Feedback> feedback;
    private TestOutputTopic<String, VariantWindowRow> variantRows;
    private TestOutputTopic<String, MetricWindowRow> metricRows;
    private TestOutputTopic<String, FeedbackRow> feedbackRows;
    private final List<VariantWindowRow> allVariantRows = new ArrayList<>();
    private final List<MetricWindowRow> allMetricRows = new ArrayList<>();

    @BeforeEach
    void start() {
        TopologyOptions options = TopologyOptions.defaults().withMatchWait(MATCH_WAIT);
        // The production settings (exactly-once v2, ...), with every window update emitted (no record cache).
        Properties props = StreamsProperties.of(MetricsStreamsConfig.defaults().withApplicationId("metrics-topology-test")
                .withStateDir(stateDir).withCacheMaxBytes(0), "unused:9092", "test");
        driver = new TopologyTestDriver(MetricsTopology.build(new PlainAvroSerde<>(Completion.class),
                new PlainAvroSerde<>(Feedback.class), options), props, T0);
        completions = driver.createInputTopic(TOPICS.completions(), new StringSerializer(),
                new PlainAvroSerde<>(Completion.class).serializer());
        feedback = driver.createInputTopic(TOPICS.feedback(), new StringSerializer(), new PlainAvroSerde<>(Feedback.class).serializer());
        variantRows = driver.createOutputTopic(TOPICS.variantWindows(), new StringDeserializer(),
                JsonSerde.of(VariantWindowRow.class).deserializer());
        metricRows = driver.createOutputTopic(TOPICS.metricWindows(), new StringDeserializer(),
                JsonSerde.of(MetricWindowRow.class).deserializer());
        feedbackRows = driver.createOutputTopic(TOPICS.metricFeedback(), new StringDeserializer(),
                JsonSerde.of(FeedbackRow.class).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void complete(Completion c, Instant at) {
        completions.pipeInput(c.getRequestId(), c, at);
    }

    private void feedback(Feedback f, Instant at) {
        feedback.pipeInput(f.getRequestId() != null ? f.getRequestId() : f.getRouterId() + "|" + f.getUserId(), f, at);
    }

    /** What ClickHouse keeps of the rows so far: per window key, the row with the highest version. */
    private Map<String, VariantWindowRow> variantTable() {
        allVariantRows.addAll(variantRows.readValuesToList());
        return latest(allVariantRows, VariantWindowRow::key, VariantWindowRow::version);
    }

    private Map<String, MetricWindowRow> metricTable() {
        allMetricRows.addAll(metricRows.readValuesToList());
        return latest(allMetricRows, MetricWindowRow::key, MetricWindowRow::version);
    }

    static <R> Map<String, R> latest(List<R> rows, Function<R, String> key, Function<R, Long> version) {
        Map<String, R> table = new HashMap<>();
        for (R row : rows) {
            table.merge(key.apply(row), row, (a, b) -> version.apply(a) >= version.apply(b) ? a : b);
        }
        return table;
    }

    private static VariantWindowRow variant(Map<String, VariantWindowRow> table, int seconds, Instant start, String variant) {
        return table.values().stream()
                .filter(r -> r.windowSeconds() == seconds && r.windowStart() == start.getEpochSecond() && r.variantId().equals(variant))
                .findFirst().orElseThrow(() -> new AssertionError("no " + seconds + " s window of " + variant + " at " + start + " in " + table.values()));
    }

    /** The 1-hour outcome totals of a variant and metric, summed over windows ('' = unattributed). */
    private static MetricWindowRow outcome(Map<String, MetricWindowRow> table, String variant, String metric) {
        List<MetricWindowRow> rows = table.values().stream()
                .filter(r -> r.windowSeconds() == 3600 && r.variantId().equals(variant) && r.metric().equals(metric)).toList();
        return new MetricWindowRow(3600, 0, "", "", variant, metric,
                rows.stream().mapToLong(MetricWindowRow::observations).sum(),
                rows.stream().mapToDouble(MetricWindowRow::valueSum).sum(),
                rows.stream().mapToDouble(MetricWindowRow::valueSumSq).sum(),
                rows.stream().mapToLong(MetricWindowRow::users).sum(),
                rows.stream().mapToLong(MetricWindowRow::positiveUsers).sum(),
                rows.stream().mapToLong(MetricWindowRow::duplicates).sum(), 0);
    }

    @Test
    void countsRequestsErrorsFailoversTokensAndCostPerVariantInOneMinuteAndOneHourWindows() {
        complete(completion("r1", "seed", "main", "a", "u1", T0.plusSeconds(10)).build(), T0.plusSeconds(10));
        complete(completion("r2", "seed", "main", "a", "u2", T0.plusSeconds(20)).setStatus(CompletionStatus.ERROR)
                .setHttpStatus(429).setErrorType("rate_limit_error").setUsage(null).setCostUsd(null).build(), T0.plusSeconds(20));
        complete(completion("r3", "seed", "main", "a", "u3", T0.plusSeconds(70))
                .setAttempts(dev.switchyard.metrics.Events.attempts(2, T0)).build(), T0.plusSeconds(70));
        complete(completion("r4", "seed", "main", "b", "u4", T0.plusSeconds(30)).setStatus(CompletionStatus.CANCELLED).build(),
                T0.plusSeconds(30));

        Map<String, VariantWindowRow> table = variantTable();
        VariantWindowRow aFirstMinute = variant(table, 60, T0, "a");
        assertThat(aFirstMinute.requests()).isEqualTo(2);
        assertThat(aFirstMinute.errors()).isEqualTo(1);
        assertThat(aFirstMinute.errorKinds()).containsExactly("429:rate_limit_error");
        assertThat(aFirstMinute.errorCounts()).containsExactly(1L);
        assertThat(aFirstMinute.failovers()).isZero();
        assertThat(aFirstMinute.pricedRequests()).isEqualTo(1);

        VariantWindowRow aSecondMinute = variant(table, 60, T0.plusSeconds(60), "a");
        assertThat(aSecondMinute.requests()).isEqualTo(1);
        assertThat(aSecondMinute.failovers()).isEqualTo(1);

        VariantWindowRow aHour = variant(table, 3600, T0, "a");
        assertThat(aHour.requests()).isEqualTo(3);
        assertThat(aHour.inputTokens()).isEqualTo(200);
        assertThat(aHour.outputTokens()).isEqualTo(40);
        assertThat(aHour.costUsd()).isEqualTo(0.002, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(aHour.latencyMsSum()).isEqualTo(750);

        VariantWindowRow bHour = variant(table, 3600, T0, "b");
        assertThat(bHour.requests()).isEqualTo(1);
        assertThat(bHour.cancelled()).isEqualTo(1);
        assertThat(bHour.errors()).isZero();
        assertThat(bHour.routerId()).isEqualTo("seed");
        assertThat(bHour.routeId()).isEqualTo("main");
    }

    @Test
    void aTokenCountIsNoExperimentTraffic() {
        complete(completion("r1", "seed", "main", "a", "u1", T0).build(), T0);
        complete(completion("r2", "seed", "main", "a", "u1", T0.plusSeconds(1)).setCountTokens(true)
                .setFinishReason("token_count").setCostUsd(0.0).build(), T0.plusSeconds(1));
        complete(completion("r3", "seed", "main", "b", "u2", T0.plusSeconds(2)).setCountTokens(true)
                .setFinishReason("token_count").setCostUsd(0.0).build(), T0.plusSeconds(2));

        Map<String, VariantWindowRow> table = variantTable();
        assertThat(variant(table, 60, T0, "a").requests()).isEqualTo(1);
        assertThat(table.values()).noneMatch(row -> row.variantId().equals("b"));
    }

    @Test
    void aDuplicateCompletionOfOneRequestIsCountedOnce() {
        Completion c = completion("r1", "seed", "main", "a", "u1", T0).build();
        complete(c, T0.plusSeconds(1));
        complete(c, T0.plusSeconds(2));
        assertThat(variant(variantTable(), 60, T0, "a").requests()).isEqualTo(1);
    }

    @Test
    void attributesFeedbackByRequestIdToTheRequestsVariantOncePerRequestAndMetric() {
        complete(completion("r1", "seed", "main", "b", "u1", T0).build(), T0);
        feedback(byRequest("r1", "satisfaction", 4, T0.plusSeconds(5)), T0.plusSeconds(5));
        feedback(byRequest("r1", "satisfaction", 5, T0.plusSeconds(6)), T0.plusSeconds(6)); // the same request again

        MetricWindowRow b = outcome(metricTable(), "b", "satisfaction");
        assertThat(b.observations()).isEqualTo(1);
        assertThat(b.valueSum()).isEqualTo(4);
        assertThat(b.valueSumSq()).isEqualTo(16);
        assertThat(b.users()).isEqualTo(1);
        assertThat(b.positiveUsers()).isEqualTo(1);
        assertThat(b.duplicates()).isEqualTo(1);
        assertThat(metricTable().values()).allMatch(r -> r.routerId().equals("seed") && r.routeId().equals("main"));
    }

    @Test
    void attributesUserKeyedFeedbackToTheUsersVariantAndCountsEachUserOncePerVariant() {
        complete(completion("r1", "seed", "main", "a", "alice", T0).build(), T0);
        complete(completion("r2", "seed", "main", "b", "bob", T0.plusSeconds(1)).build(), T0.plusSeconds(1));
        complete(completion("r3", "seed", "main", "a", "alice", T0.plusSeconds(2)).build(), T0.plusSeconds(2));
        feedback(byUser("seed", "alice", "conversion", 1, T0.plusSeconds(30)), T0.plusSeconds(30));
        feedback(byUser("seed", "alice", "conversion", 1, T0.plusSeconds(40)), T0.plusSeconds(40));
        feedback(byUser("seed", "bob", "conversion", 1, T0.plusSeconds(50)), T0.plusSeconds(50));
        // Alice's request-keyed feedback on the same metric: a request observation, but not a new user.
        feedback(byRequest("r3", "conversion", 1, T0.plusSeconds(55)), T0.plusSeconds(55));

        Map<String, MetricWindowRow> table = metricTable();
        MetricWindowRow a = outcome(table, "a", "conversion");
        assertThat(a.users()).isEqualTo(1);
        assertThat(a.positiveUsers()).isEqualTo(1);
        assertThat(a.observations()).isEqualTo(2); // alice once as a user, once for request r3
        assertThat(a.duplicates()).isEqualTo(1);
        MetricWindowRow b = outcome(table, "b", "conversion");
        assertThat(b.users()).isEqualTo(1);
        assertThat(b.observations()).isEqualTo(1);
    }

    /**
     * Every attributed feedback event becomes a row of metric_feedback with its variant, user and both times, also
     * one the windows de-duplicate (the report counts positive users from these rows, not from the windows' flags);
     * unattributed feedback does not.
     */
    @Test
    void everyAttributedFeedbackEventIsARowWithItsVariantAndUser() {
        complete(completion("r1", "seed", "main", "a", "alice", T0).build(), T0);
        complete(completion("r2", "seed", "main", "b", "bob", T0.plusSeconds(1)).build(), T0.plusSeconds(1));
        Instant happened = T0.minusSeconds(600); // the client says the outcome happened before it told us
        feedback(byUser("seed", "alice", "conversion", 1, happened), T0.plusSeconds(30));
        feedback(byUser("seed", "alice", "conversion", 1, T0.plusSeconds(40)), T0.plusSeconds(40)); // windows: a duplicate
        feedback(byRequest("r2", "conversion", 0, T0.plusSeconds(50)), T0.plusSeconds(50));
        feedback(byUser("seed", "stranger", "conversion", 1, T0), T0.plusSeconds(60));
        driver.advanceWallClockTime(MATCH_WAIT.plusMinutes(1)); // the stranger's feedback expires: unattributed

        List<FeedbackRow> rows = feedbackRows.readValuesToList();
        assertThat(rows).hasSize(3);
        assertThat(rows).allMatch(r -> r.routerId().equals("seed") && r.routeId().equals("main") && r.metric().equals("conversion"));
        assertThat(rows).filteredOn(r -> r.userId().equals("alice")).hasSize(2)
                .allMatch(r -> r.variantId().equals("a") && r.value() == 1 && r.attribution().equals("user"));
        FeedbackRow first = rows.get(0);
        assertThat(first.occurredAt()).isEqualTo(happened.getEpochSecond());
        assertThat(first.receivedAt()).isEqualTo(T0.plusSeconds(30).getEpochSecond());
        FeedbackRow bob = rows.stream().filter(r -> r.userId().equals("bob")).findFirst().orElseThrow();
        assertThat(bob.variantId()).isEqualTo("b");
        assertThat(bob.requestId()).isEqualTo("r2");
        assertThat(bob.attribution()).isEqualTo("request");
        assertThat(bob.value()).isZero();
        assertThat(rows).noneMatch(r -> r.userId().equals("stranger"));
        assertThat(outcome(metricTable(), "a", "conversion").duplicates()).isEqualTo(1);
    }

    @Test
    void feedbackDaysLaterInsideTheAttributionWindowLandsInTheRequestsVariant() {
        complete(completion("r1", "seed", "main", "b", "u1", T0).build(), T0);
        // Traffic goes on for three days (stream time moves), then the outcome arrives.
        for (int day = 1; day <= 3; day++) {
            Instant t = T0.plus(Duration.ofDays(day));
            complete(completion("other-" + day, "seed", "main", "a", "u-" + day, t).build(), t);
        }
        Instant late = T0.plus(Duration.ofDays(3)).plusSeconds(60);
        feedback(byRequest("r1", "satisfaction", 3, late), late);
        feedback(byUser("seed", "u1", "conversion", 1, late), late);

        Map<String, MetricWindowRow> table = metricTable();
        assertThat(outcome(table, "b", "satisfaction").observations()).isEqualTo(1);
        assertThat(outcome(table, "b", "conversion").positiveUsers()).isEqualTo(1);
        assertThat(outcome(table, "", "satisfaction").observations()).isZero();
    }

    @Test
    void feedbackAfterTheAttributionWindowIsCountedAsUnattributed() {
        complete(completion("r1", "seed", "main", "b", "u1", T0).build(), T0);
        Instant eightDaysLater = T0.plus(Duration.ofDays(8));
        complete(completion("r2", "seed", "main", "a", "u2", eightDaysLater).build(), eightDaysLater);
        feedback(byRequest("r1", "satisfaction", 2, eightDaysLater.plusSeconds(1)), eightDaysLater.plusSeconds(1));
        assertThat(outcome(metricTable(), "", "satisfaction").observations()).isZero(); // still waiting

        driver.advanceWallClockTime(MATCH_WAIT.plusSeconds(2));
        Map<String, MetricWindowRow> table = metricTable();
        assertThat(outcome(table, "", "satisfaction").observations()).isEqualTo(1);
        assertThat(outcome(table, "b", "satisfaction").observations()).isZero();
    }

    @Test
    void feedbackForARequestNeverSeenIsCountedAsUnattributedAfterTheMatchWait() {
        complete(completion("r1", "seed", "main", "a", "u1", T0).build(), T0);
        feedback(Feedback.newBuilder(byRequest("no-such-request", "satisfaction", 5, T0)).setRouterId("seed").build(), T0.plusSeconds(1));
        feedback(byUser("seed", "stranger", "conversion", 1, T0), T0.plusSeconds(2));
        driver.advanceWallClockTime(MATCH_WAIT.minusSeconds(10));
        assertThat(metricTable()).isEmpty();

        driver.advanceWallClockTime(Duration.ofSeconds(20));
        Map<String, MetricWindowRow> table = metricTable();
        assertThat(outcome(table, "", "satisfaction").observations()).isEqualTo(1);
        assertThat(outcome(table, "", "conversion").observations()).isEqualTo(1);
        assertThat(table.values()).allMatch(r -> r.routerId().equals("seed"));
    }

    @Test
    void feedbackThatArrivesBeforeItsCompletionIsAttributedWhenTheCompletionComes() {
        feedback(byRequest("r1", "satisfaction", 5, T0), T0);
        feedback(byUser("seed", "u1", "conversion", 1, T0), T0);
        complete(completion("r1", "seed", "main", "b", "u1", T0).build(), T0.plusSeconds(2));
        driver.advanceWallClockTime(MATCH_WAIT.plusSeconds(2));

        Map<String, MetricWindowRow> table = metricTable();
        assertThat(outcome(table, "b", "satisfaction").observations()).isEqualTo(1);
        assertThat(outcome(table, "b", "conversion").positiveUsers()).isEqualTo(1);
        assertThat(outcome(table, "", "satisfaction").observations()).isZero();
        assertThat(outcome(table, "", "conversion").observations()).isZero();
    }

    @Test
    void windowRowsAreIdempotentUnderReplay() {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            Instant t = T0.plusSeconds(i * 3L);
            String variant = random.nextBoolean() ? "a" : "b";
            complete(completion("r" + i, "seed", "main", variant, "u" + (i % 40), t).build(), t);
            if (random.nextInt(3) == 0) {
                feedback(byRequest("r" + i, "satisfaction", 1 + random.nextInt(5), t.plusSeconds(1)), t.plusSeconds(1));
            }
        }
        List<VariantWindowRow> emitted = new ArrayList<>(variantRows.readValuesToList());
        List<MetricWindowRow> metricEmitted = new ArrayList<>(metricRows.readValuesToList());
        Map<String, VariantWindowRow> once = latest(emitted, VariantWindowRow::key, VariantWindowRow::version);
        Map<String, MetricWindowRow> metricsOnce = latest(metricEmitted, MetricWindowRow::key, MetricWindowRow::version);

        // Every update of a window carries a larger version than the one before it.
        Map<String, Long> lastVersion = new HashMap<>();
        for (VariantWindowRow row : emitted) {
            Long previous = lastVersion.put(row.key(), row.version());
            assertThat(previous == null || previous < row.version()).isTrue();
        }
        // A sink that re-delivers any rows (a retried batch, a crash before the offset commit), in any order,
        // leaves the same table behind.
        List<VariantWindowRow> redelivered = new ArrayList<>(emitted);
        redelivered.addAll(emitted.subList(0, emitted.size() / 2));
        Collections.shuffle(redelivered, random);
        List<MetricWindowRow> metricRedelivered = new ArrayList<>(metricEmitted);
        metricRedelivered.addAll(metricEmitted);
        Collections.shuffle(metricRedelivered, random);
        assertThat(latest(redelivered, VariantWindowRow::key, VariantWindowRow::version)).isEqualTo(once);
        assertThat(latest(metricRedelivered, MetricWindowRow::key, MetricWindowRow::version)).isEqualTo(metricsOnce);

        long requests = once.values().stream().filter(r -> r.windowSeconds() == 3600).mapToLong(VariantWindowRow::requests).sum();
        assertThat(requests).isEqualTo(200);
    }
}
