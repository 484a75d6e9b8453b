package dev.switchyard.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.Feedback;
import dev.switchyard.events.MetricDefinition;
import dev.switchyard.events.MetricDirection;
import dev.switchyard.events.MetricKind;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.metrics.clickhouse.ClickHouseConnection;
import dev.switchyard.metrics.clickhouse.ClickHouseEndpoint;
import dev.switchyard.metrics.clickhouse.ClickHouseMigrations;
import dev.switchyard.metrics.report.ExperimentReport;
import dev.switchyard.metrics.report.ExperimentReports;
import dev.switchyard.metrics.report.Timeseries;
import dev.switchyard.metrics.report.VariantTimeseries;
import dev.switchyard.metrics.streams.MetricsTopics;
import dev.switchyard.metrics.streams.TopologyOptions;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.services.ClickHouseServer;
import dev.switchyard.testsupport.services.SharedServices;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static dev.switchyard.metrics.Events.quantile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole metrics stage on real services: a Kafka broker and schema registry (test-support), a ClickHouse child
 * process. A two-variant experiment with known conversion rates (10 % vs 30 %, 3,000 simulated users) goes through
 * llm.completions and llm.feedback; the request log and the window tables fill up; the report finds the winner and
 * computes latency percentiles from the log.
 */
@ExtendWith(SharedServices.class)
@Timeout(180)
class MetricsPipelineIT {
    private static final String ROUTER = "exp";
    private static final int USERS = 3_000;

    @TempDir
    Path stateDir;

    @Test
    void anExperimentFlowsIntoClickHouseAndTheReportFindsTheWinner() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        MetricsTopics topics = MetricsTopics.defaults().withSuffix("-" + suffix);
        KafkaSettings kafka = new KafkaSettings(SharedServices.kafka().bootstrapServers(), "metrics-it");
        EventSerdes serdes = new EventSerdes(SharedServices.registry().url());
        ClickHouseEndpoint clickHouse = ClickHouseEndpoint.of(ClickHouseServer.shared().httpUrl()).withDatabase("pipeline_" + suffix);
        MetricsStreamsConfig config = MetricsStreamsConfig.defaults()
                .withApplicationId("metrics-it-" + suffix).withStateDir(stateDir)
                .withCommitInterval(Duration.ofMillis(100)).withSinkMaxDelay(Duration.ofMillis(100))
                .withTopology(TopologyOptions.defaults().withTopics(topics)
                        .withMatchWait(Duration.ofSeconds(3)).withPendingCheckInterval(Duration.ofMillis(200)));

        try (MetricsStreamsService service = new MetricsStreamsService(config, kafka, serdes, clickHouse).start();
             ClickHouseConnection ch = new ClickHouseConnection(clickHouse)) {
            assertThat(service.appliedMigrations()).containsExactly(1, 2, 3, 4, 5);
            await("the metrics stage to be ready", Duration.ofSeconds(60), service::isReady);

            Simulation sim = simulate(topics, kafka, serdes);

            await("every completion in the request log", Duration.ofSeconds(90),
                    () -> ch.queryLong("SELECT count() FROM requests FINAL WHERE router_id = 'exp'") == sim.completions + sim.tokenCounts);
            assertThat(ch.queryLong("SELECT count() FROM requests FINAL WHERE router_id = 'exp' AND count_tokens = 1"))
                    .isEqualTo(sim.tokenCounts);
            await("every conversion attributed", Duration.ofSeconds(90), () -> ch.queryLong(
                    "SELECT sum(positive_users) FROM metric_windows FINAL WHERE router_id = 'exp' AND window_seconds = 60")
                    == sim.conversions.values().stream().mapToInt(Integer::intValue).sum());
            await("every converted user in metric_feedback (the report counts them from there)", Duration.ofSeconds(90),
                    () -> ch.queryLong("SELECT count() FROM (SELECT DISTINCT variant_id, user_id FROM metric_feedback "
                            + "WHERE router_id = 'exp' AND value > 0)")
                            == sim.conversions.values().stream().mapToInt(Integer::intValue).sum());
            assertThat(ch.queryLong("SELECT count() FROM metric_feedback WHERE router_id = 'exp' AND variant_id = ''"))
                    .as("unattributed feedback has no row").isZero();
            await("the unknown requests' feedback counted as unattributed", Duration.ofSeconds(60), () -> ch.queryLong(
                    "SELECT sum(observations) FROM metric_windows FINAL WHERE router_id = 'exp' AND window_seconds = 60 AND variant_id = ''") == 3);
            assertThat(ch.queryLong("SELECT sum(requests) FROM variant_windows FINAL WHERE router_id = 'exp' AND window_seconds = 3600"))
                    .isEqualTo(sim.completions);
            assertThat(ClickHouseMigrations.apply(ch)).as("migrations are applied once").isEmpty();

            RouterConfig router = Events.router(ROUTER, "ctl", "new",
                    new MetricDefinition("conversion", MetricKind.BOOLEAN, MetricDirection.INCREASE, null));
            ExperimentReport report;
            try (ExperimentReports reports = new ExperimentReports(clickHouse)) {
                report = reports.report(router, sim.start.minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofHours(1)), null);
            }

            ExperimentReport.RouteReport route = report.routes().get(0);
            assertThat(route.controlVariantId()).isEqualTo("ctl");
            assertThat(route.srm().flagged()).isFalse();
            assertThat(route.users()).isEqualTo(USERS);
            assertThat(report.unattributedFeedback()).containsEntry("conversion", 3L);
            for (ExperimentReport.VariantReport v : route.variants()) {
                String id = v.variantId();
                assertThat(v.users()).isEqualTo((long) sim.users.get(id));
                assertThat(v.requests()).isEqualTo((long) sim.requests.get(id));
                assertThat(v.errors()).isEqualTo((long) sim.errors.get(id));
                assertThat(v.latencyMs().p50()).isCloseTo(quantile(sim.okLatencies.get(id), 0.5), within(1e-6));
                assertThat(v.latencyMs().p95()).isCloseTo(quantile(sim.okLatencies.get(id), 0.95), within(1e-6));
                ExperimentReport.MetricReport conversion = v.metrics().get(0);
                assertThat(conversion.unit()).isEqualTo("users");
                assertThat(conversion.n()).isEqualTo((long) sim.users.get(id));
                assertThat(conversion.mean()).isCloseTo((double) sim.conversions.get(id) / sim.users.get(id), within(1e-12));
                assertThat(conversion.confidence().lower()).isLessThan(conversion.mean());
                assertThat(conversion.confidence().upper()).isGreaterThan(conversion.mean());
                assertThat(conversion.confidence().lower()).isBetween(0.0, 1.0); // a proportion's sequence stays in [0, 1]
                assertThat(conversion.confidence().upper()).isBetween(0.0, 1.0);
            }
            ExperimentReport.MetricReport treatment = route.variants().get(1).metrics().get(0);
            assertThat(treatment.verdict()).isEqualTo(ExperimentReports.WINNER);
            assertThat(treatment.difference().lower()).isGreaterThan(0);
            assertThat(route.variants().get(0).metrics().get(0).verdict()).isEqualTo(ExperimentReports.CONTROL);

            // The dashboard's time series (variant_windows) agree with what was sent.
            try (VariantTimeseries series = new VariantTimeseries(clickHouse)) {
                Timeseries minutes = series.query(ROUTER, sim.start.minus(Duration.ofMinutes(1)), Instant.now().plus(Duration.ofMinutes(2)), 60);
                Map<String, Long> requestsByVariant = new HashMap<>();
                minutes.points().forEach(p -> requestsByVariant.merge(p.variantId(), p.requests(), Long::sum));
                assertThat(requestsByVariant).containsOnlyKeys("ctl", "new");
                sim.requests.forEach((variant, n) -> assertThat(requestsByVariant.get(variant)).isEqualTo((long) n));
            }

            JsonNode json = report.toJson();
            assertThat(json.at("/router_id").asText()).isEqualTo(ROUTER);
            assertThat(json.at("/routes/0/variants/1/metrics/0/verdict").asText()).isEqualTo("winner");
            assertThat(json.at("/routes/0/variants/1/traffic_share").isNumber()).isTrue();
            System.out.printf("pipeline: %d completions, conversions %s of users %s; report: %s%n",
                    sim.completions, sim.conversions, sim.users, report.json());
        }
    }

    /** What the simulation sent, per variant. */
    private static final class Simulation {
        final Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        final Map<String, Integer> users = new HashMap<>();
        final Map<String, Integer> requests = new HashMap<>();
        final Map<String, Integer> errors = new HashMap<>();
        final Map<String, Integer> conversions = new HashMap<>();
        final Map<String, List<Long>> okLatencies = new HashMap<>();
        int completions;
        /** Token-count calls: in the request log, in none of the experiment's numbers. */
        int tokenCounts;
    }

    /**
     * 3,000 users assigned 50/50 to "ctl" (converts 10 %) and "new" (30 %); 1-2 requests each, one in 50 failing.
     * Half the conversions are reported by user, half by request id; one in five twice (counted once); three
     * feedback events name requests that never existed. One user in ten also counts tokens (Claude Code does before
     * its requests), and 20 more users only count tokens: none of it may show in the windows or the report.
     */
    private static Simulation simulate(MetricsTopics topics, KafkaSettings kafka, EventSerdes serdes) {
        Simulation sim = new Simulation();
        SplittableRandom random = new SplittableRandom(42);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("simulation"))) {
            for (int u = 0; u < USERS; u++) {
                String user = "user-" + u;
                String variant = random.nextBoolean() ? "new" : "ctl";
                sim.users.merge(variant, 1, Integer::sum);
                String firstRequest = null;
                int n = 1 + random.nextInt(2);
                for (int r = 0; r < n; r++) {
                    String requestId = user + "-req-" + r;
                    firstRequest = firstRequest == null ? requestId : firstRequest;
                    long latency = variant.equals("ctl") ? 200 + random.nextInt(400) : 100 + random.nextInt(200);
                    Completion.Builder c = Events.completion(requestId, ROUTER, "main", variant, user, sim.start).setLatencyMs(latency);
                    if (random.nextInt(50) == 0) {
                        c.setStatus(CompletionStatus.ERROR).setHttpStatus(500).setErrorType("api_error").setUsage(null).setCostUsd(null);
                        sim.errors.merge(variant, 1, Integer::sum);
                    } else {
                        sim.okLatencies.computeIfAbsent(variant, k -> new ArrayList<>()).add(latency);
                    }
                    sim.errors.putIfAbsent(variant, 0);
                    sim.requests.merge(variant, 1, Integer::sum);
                    sim.completions++;
                    producer.send(new ProducerRecord<>(topics.completions(), requestId,
                            serdes.completions.serialize(topics.completions(), c.build())));
                }
                if (u % 10 == 0) {
                    sendTokenCount(producer, topics, serdes, sim, user + "-count", variant, user);
                }
                sim.conversions.putIfAbsent(variant, 0);
                if (random.nextDouble() < (variant.equals("new") ? 0.30 : 0.10)) {
                    sim.conversions.merge(variant, 1, Integer::sum);
                    int times = u % 5 == 0 ? 2 : 1;
                    for (int i = 0; i < times; i++) {
                        Feedback f = u % 2 == 0 ? Events.byUser(ROUTER, user, "conversion", 1, Instant.now())
                                : Events.byRequest(firstRequest, "conversion", 1, Instant.now());
                        send(producer, topics, serdes, f);
                    }
                }
            }
            for (int i = 0; i < 20; i++) {
                sendTokenCount(producer, topics, serdes, sim, "counter-" + i + "-count", "new", "counter-" + i);
            }
            for (int i = 0; i < 3; i++) {
                Feedback stray = Feedback.newBuilder(Events.byRequest("never-" + i, "conversion", 1, Instant.now()))
                        .setRouterId(ROUTER).build();
                send(producer, topics, serdes, stray);
            }
            producer.flush();
        }
        return sim;
    }

    private static void sendTokenCount(KafkaProducer<String, byte[]> producer, MetricsTopics topics, EventSerdes serdes,
                                       Simulation sim, String requestId, String variant, String user) {
        Completion count = Events.completion(requestId, ROUTER, "main", variant, user, sim.start)
                .setCountTokens(true).setFinishReason("token_count").setCostUsd(0.0).setLatencyMs(3).build();
        producer.send(new ProducerRecord<>(topics.completions(), requestId, serdes.completions.serialize(topics.completions(), count)));
        sim.tokenCounts++;
    }

    private static void send(KafkaProducer<String, byte[]> producer, MetricsTopics topics, EventSerdes serdes, Feedback f) {
        String key = f.getRequestId() != null ? f.getRequestId() : f.getRouterId() + "|" + f.getUserId();
        producer.send(new ProducerRecord<>(topics.feedback(), key, serdes.feedback.serialize(topics.feedback(), f)));
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e; // e.g. a table not there yet
            }
            try {
                Thread.sleep(100); // poll interval
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
    }
}
