package dev.switchyard.metrics.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.MetricDefinition;
import dev.switchyard.events.MetricDirection;
import dev.switchyard.events.MetricKind;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;
import dev.switchyard.metrics.Events;
import dev.switchyard.metrics.report.ExperimentReport;
import dev.switchyard.metrics.report.ExperimentReports;
import dev.switchyard.metrics.report.ReportOptions;
import dev.switchyard.metrics.streams.FeedbackRow;
import dev.switchyard.metrics.streams.JsonSerde;
import dev.switchyard.metrics.streams.MetricsTopics;
import dev.switchyard.testsupport.services.ClickHouseServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Migrations, the tables' idempotency and the report's queries against a real ClickHouse (no Kafka). */
@Timeout(120)
class ClickHouseTablesIT {
    private final ClickHouseEndpoint endpoint = ClickHouseEndpoint.of(ClickHouseServer.shared().httpUrl())
            .withDatabase("t_" + UUID.randomUUID().toString().replace("-", ""));
    private final ClickHouseConnection clickHouse = new ClickHouseConnection(endpoint);

    @AfterEach
    void close() {
        clickHouse.close();
    }

    @Test
    void migrationsAreAppliedOnceInOrderAndRecorded() {
        assertThat(ClickHouseMigrations.apply(clickHouse)).containsExactly(1, 2, 3, 4, 5);
        assertThat(ClickHouseMigrations.apply(clickHouse)).isEmpty();

        List<JsonNode> recorded = clickHouse.query("SELECT version, name FROM schema_migrations ORDER BY version");
        assertThat(recorded).extracting(r -> r.get("name").asText())
                .containsExactly("V001__requests.sql", "V002__variant_windows.sql", "V003__metric_windows.sql",
                        "V004__requests_count_tokens.sql", "V005__metric_feedback.sql");
        assertThat(clickHouse.query("SHOW TABLES")).extracting(r -> r.get("name").asText())
                .contains("requests", "variant_windows", "metric_windows", "metric_feedback", "schema_migrations");
    }

    @Test
    void aMigrationEditedAfterItWasAppliedStopsTheStart() {
        ClickHouseMigrations.apply(clickHouse);
        Migration first = ClickHouseMigrations.load().get(0);
        Migration edited = new Migration(first.version(), first.name(), first.sql() + "\n-- edited\n");
        assertThatThrownBy(() -> ClickHouseMigrations.apply(clickHouse, List.of(edited)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("V001__requests.sql");
    }

    @Test
    void aRequestLogFromBeforeTheTokenCountColumnKeepsItsRowsAsChatAnswers() {
        List<Migration> all = ClickHouseMigrations.load();
        ClickHouseMigrations.apply(clickHouse, all.subList(0, 3));
        byte[] current = CompletionRows.toJson(Events.completion("old-1", "upgrade", "main", "a", "u1", Instant.now()).build());
        String oldShape = new String(current, StandardCharsets.UTF_8).replace(",\"count_tokens\":0", "");
        assertThat(oldShape).doesNotContain("count_tokens");
        clickHouse.insertJsonRows(CompletionRows.TABLE, List.of(oldShape.getBytes(StandardCharsets.UTF_8)));

        assertThat(ClickHouseMigrations.apply(clickHouse, all)).containsExactly(4, 5);

        assertThat(clickHouse.queryLong("SELECT count() FROM requests FINAL WHERE router_id = 'upgrade' AND count_tokens = 0"))
                .isEqualTo(1);
    }

    @Test
    void aColumnAnotherInstanceAddedFirstCountsAsMigrated() {
        List<Migration> all = ClickHouseMigrations.load();
        ClickHouseMigrations.apply(clickHouse, all.subList(0, 3));
        clickHouse.execute(all.get(3).statements().get(0)); // the other instance, between our check and our ALTER

        assertThat(ClickHouseMigrations.apply(clickHouse, all)).containsExactly(4, 5);
        assertThat(clickHouse.query("SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'requests'"))
                .extracting(r -> r.get("name").asText()).containsOnlyOnce("count_tokens");
    }

    @Test
    void reDeliveredRequestAndWindowRowsAreCountedOnce() {
        ClickHouseMigrations.apply(clickHouse);
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            requests.add(CompletionRows.toJson(Events.completion("r" + i, "idem", "main", "a", "u" + i, t).build()));
        }
        clickHouse.insertJsonRows(CompletionRows.TABLE, requests);
        clickHouse.insertJsonRows(CompletionRows.TABLE, requests.subList(10, 30)); // a retried batch
        assertThat(clickHouse.queryLong("SELECT count() FROM requests FINAL WHERE router_id = 'idem'")).isEqualTo(50);

        // Three successive states of one window, delivered out of order and twice.
        long start = t.truncatedTo(ChronoUnit.MINUTES).getEpochSecond();
        List<byte[]> states = new ArrayList<>();
        for (int version = 1; version <= 3; version++) {
            states.add(("{\"window_seconds\":60,\"window_start\":" + start + ",\"router_id\":\"idem\",\"route_id\":\"main\","
                    + "\"variant_id\":\"a\",\"metric\":\"conversion\",\"observations\":" + version + ",\"value_sum\":" + version
                    + ",\"value_sum_sq\":" + version + ",\"users\":" + version + ",\"positive_users\":" + version
                    + ",\"duplicates\":0,\"version\":" + version + "}").getBytes(StandardCharsets.UTF_8));
        }
        clickHouse.insertJsonRows(ClickHouseSink.METRIC_WINDOWS_TABLE, List.of(states.get(0), states.get(2)));
        clickHouse.insertJsonRows(ClickHouseSink.METRIC_WINDOWS_TABLE, List.of(states.get(1), states.get(2), states.get(0)));
        assertThat(clickHouse.queryLong("SELECT sum(observations) FROM metric_windows FINAL WHERE router_id = 'idem'")).isEqualTo(3);
    }

    @Test
    void theReportComputesPercentilesErrorsCostRetentionAndSrmFromTheRequestLog() {
        ClickHouseMigrations.apply(clickHouse);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant tenDaysAgo = now.minus(Duration.ofDays(10));
        List<byte[]> rows = new ArrayList<>();
        List<Long> latenciesA = new ArrayList<>();
        // Variant a: 200 users, latencies 1..200 ms, every other user comes back two days later.
        for (int i = 1; i <= 200; i++) {
            latenciesA.add((long) i * 3);
            rows.add(CompletionRows.toJson(Events.completion("a-" + i, "perc", "main", "a", "ua" + i, tenDaysAgo)
                    .setLatencyMs(i * 3L).setTtftMs((long) i).build()));
            if (i % 2 == 0) {
                rows.add(CompletionRows.toJson(Events.completion("a-back-" + i, "perc", "main", "a", "ua" + i,
                        tenDaysAgo.plus(Duration.ofDays(2))).setLatencyMs(i * 3L).setTtftMs((long) i).build()));
                latenciesA.add((long) i * 3);
            }
        }
        // Variant b: 200 users, one in ten comes back, and 20 extra requests that failed with 429.
        for (int i = 1; i <= 200; i++) {
            rows.add(CompletionRows.toJson(Events.completion("b-" + i, "perc", "main", "b", "ub" + i, tenDaysAgo).build()));
            if (i % 10 == 0) {
                rows.add(CompletionRows.toJson(Events.completion("b-back-" + i, "perc", "main", "b", "ub" + i,
                        tenDaysAgo.plus(Duration.ofDays(1))).build()));
            }
            if (i <= 20) {
                rows.add(CompletionRows.toJson(Events.completion("b-err-" + i, "perc", "main", "b", "ub" + i, tenDaysAgo)
                        .setStatus(CompletionStatus.ERROR).setHttpStatus(429).setErrorType("rate_limit_error")
                        .setCostUsd(null).setUsage(null).setLatencyMs(5).build()));
            }
        }
        // Token counts (Anthropic's count_tokens) in both variants, one failed, one from a user with no chat request:
        // in the request log, but in none of the numbers below.
        for (int i = 1; i <= 30; i++) {
            String variant = i % 2 == 0 ? "a" : "b";
            rows.add(CompletionRows.toJson(Events.completion("count-" + i, "perc", "main", variant, "u" + variant + i, tenDaysAgo)
                    .setCountTokens(true).setFinishReason("token_count").setCostUsd(0.0).setLatencyMs(1).setTtftMs(1L).build()));
        }
        rows.add(CompletionRows.toJson(Events.completion("count-new-user", "perc", "main", "a", "counter-only", tenDaysAgo)
                .setCountTokens(true).setStatus(CompletionStatus.ERROR).setHttpStatus(529).setErrorType("overloaded_error")
                .setUsage(null).build()));
        clickHouse.insertJsonRows(CompletionRows.TABLE, rows);
        assertThat(clickHouse.queryLong("SELECT count() FROM requests FINAL WHERE router_id = 'perc' AND count_tokens = 1"))
                .isEqualTo(31);

        RouterConfig router = Events.router("perc", new MetricDefinition("retained", MetricKind.RETENTION, MetricDirection.INCREASE, 3));
        ExperimentReport report = new ExperimentReports(clickHouse, ReportOptions.defaults().withClock(Clock.fixed(now, ZoneOffset.UTC)))
                .report(router, now.minus(Duration.ofDays(30)), now.plusSeconds(3600), null);

        ExperimentReport.RouteReport route = report.routes().get(0);
        assertThat(route.unit()).isEqualTo("users");
        assertThat(route.srm().flagged()).isFalse();
        ExperimentReport.VariantReport a = route.variants().get(0);
        ExperimentReport.VariantReport b = route.variants().get(1);
        assertThat(a.control()).isTrue();
        assertThat(a.users()).isEqualTo(200);
        assertThat(a.requests()).isEqualTo(300);
        assertThat(a.trafficShare()).isEqualTo(0.5);
        assertThat(a.latencyMs().p50()).isCloseTo(Events.quantile(latenciesA, 0.5), within(1e-6));
        assertThat(a.latencyMs().p95()).isCloseTo(Events.quantile(latenciesA, 0.95), within(1e-6));
        assertThat(a.costPerRequest()).isCloseTo(0.001, within(1e-12));
        assertThat(a.costPer1kUsers()).isCloseTo(300 * 0.001 / 200 * 1000, within(1e-9));

        assertThat(b.requests()).isEqualTo(240);
        assertThat(b.errors()).isEqualTo(20);
        assertThat(b.errorRate()).isCloseTo(20 / 240.0, within(1e-12));
        assertThat(b.errorsByKind()).containsEntry("429:rate_limit_error", 20L);
        assertThat(b.latencyMs().p95()).isEqualTo(250.0); // failed requests are left out of latency

        ExperimentReport.MetricReport retainedA = a.metrics().get(0);
        ExperimentReport.MetricReport retainedB = b.metrics().get(0);
        assertThat(retainedA.n()).isEqualTo(200);
        assertThat(retainedA.mean()).isEqualTo(0.5);
        assertThat(retainedA.verdict()).isEqualTo(ExperimentReports.CONTROL);
        assertThat(retainedB.mean()).isEqualTo(0.1);
        assertThat(retainedB.difference().estimate()).isCloseTo(-0.4, within(1e-12));
        assertThat(retainedB.verdict()).isEqualTo(ExperimentReports.LOSER);

        JsonNode json = report.toJson();
        assertThat(json.at("/routes/0/variants/1/metrics/0/verdict").asText()).isEqualTo("loser");
        assertThat(json.at("/routes/0/variants/0/latency_ms/p50").asDouble()).isEqualTo(a.latencyMs().p50());
        assertThat(json.at("/routes/0/srm/p_value").isNumber()).isTrue();
    }

    @Test
    void ttftIsOfStreamedAnswersCostPerRequestOfPricedOnesAndRetentionWaitsForTheLastDay() {
        ClickHouseMigrations.apply(clickHouse);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant fourDaysAgo = now.minus(Duration.ofDays(4));
        Instant threeDaysAgo = now.minus(Duration.ofDays(3));
        List<byte[]> rows = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            // Variant a: a streamed answer (TTFT 100 ms) and a non-streamed one (its "TTFT" is its latency, 900 ms),
            // both priced; half the users come back three days later with an answer that has no price.
            rows.add(CompletionRows.toJson(Events.completion("a-" + i, "small", "main", "a", "ua" + i, fourDaysAgo)
                    .setTtftMs(100L).build()));
            rows.add(CompletionRows.toJson(Events.completion("a-ns-" + i, "small", "main", "a", "ua" + i, fourDaysAgo)
                    .setStream(false).setTtftMs(900L).setLatencyMs(900).build()));
            if (i <= 5) {
                rows.add(CompletionRows.toJson(Events.completion("a-back-" + i, "small", "main", "a", "ua" + i,
                        now.minus(Duration.ofDays(1))).setTtftMs(100L).setCostUsd(null).build()));
            }
            // Variant b: first seen three days ago, so with 3-day retention they may still come back today.
            rows.add(CompletionRows.toJson(Events.completion("b-" + i, "small", "main", "b", "ub" + i, threeDaysAgo).build()));
        }
        clickHouse.insertJsonRows(CompletionRows.TABLE, rows);

        RouterConfig router = Events.router("small", new MetricDefinition("retained", MetricKind.RETENTION, MetricDirection.INCREASE, 3));
        ExperimentReport report = new ExperimentReports(clickHouse, ReportOptions.defaults().withClock(Clock.fixed(now, ZoneOffset.UTC)))
                .report(router, now.minus(Duration.ofDays(30)), now.plusSeconds(3600), null);
        ExperimentReport.VariantReport a = report.routes().get(0).variants().get(0);
        ExperimentReport.VariantReport b = report.routes().get(0).variants().get(1);

        assertThat(a.ttftMs().p50()).isEqualTo(100.0);
        assertThat(a.ttftMs().p95()).isEqualTo(100.0);
        assertThat(a.requests()).isEqualTo(25);
        assertThat(a.unpricedRequests()).isEqualTo(5);
        assertThat(a.costUsd()).isCloseTo(20 * 0.001, within(1e-12));
        assertThat(a.costPerRequest()).isCloseTo(0.001, within(1e-12));
        assertThat(b.unpricedRequests()).isZero();

        ExperimentReport.MetricReport retainedA = a.metrics().get(0);
        assertThat(retainedA.n()).isEqualTo(10);
        assertThat(retainedA.mean()).isEqualTo(0.5);
        // Ten users are too few for the asymptotic sequence: no bounds rather than misleading ones.
        assertThat(retainedA.confidence().lower()).isNull();
        assertThat(retainedA.confidence().upper()).isNull();
        ExperimentReport.MetricReport retainedB = b.metrics().get(0);
        assertThat(retainedB.n()).isZero();
        assertThat(retainedB.mean()).isNull();
        assertThat(retainedB.difference().lower()).isNull();
        assertThat(retainedB.verdict()).isEqualTo(ExperimentReports.INCONCLUSIVE);

        JsonNode json = report.toJson();
        assertThat(json.at("/routes/0/variants/0/unpriced_requests").asLong()).isEqualTo(5);
        assertThat(json.at("/routes/0/variants/0/metrics/0/confidence/lower").isNull()).isTrue();
    }

    /** Router "ramp" with route "main" of variants a (control) and b at the given weights. */
    private static RouterConfig ramp(long version, int a, int b) {
        Route route = new Route("main", null, List.of(new Variant("a", "openai/gpt-5.2", a),
                new Variant("b", "anthropic/claude-haiku-4-5", b)), List.of());
        Instant now = Instant.now();
        return RouterConfig.newBuilder().setId("ramp").setVersion(version).setRoutes(List.of(route))
                .setMetrics(List.of(new MetricDefinition("conversion", MetricKind.BOOLEAN, MetricDirection.INCREASE, null)))
                .setCreatedAt(now).setUpdatedAt(now).build();
    }

    /**
     * A weight ramp: 10/90 for three days (version 1), then 50/50 (version 2), and a conversion rate of 30 % for
     * everyone in the first phase and 10 % in the second. The split fits the weights in force; pooled, b "wins".
     */
    @Test
    void aWeightRampIsTestedAgainstEachVersionsWeightsAndReportedAsPhases() {
        ClickHouseMigrations.apply(clickHouse);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant phase1 = now.minus(Duration.ofDays(6));
        Instant phase2 = now.minus(Duration.ofDays(2));
        List<byte[]> rows = new ArrayList<>();
        int[][] users = {{200, 1_800}, {1_000, 1_000}}; // [phase][variant]
        List<byte[]> outcomes = new ArrayList<>();
        for (int phase = 0; phase < 2; phase++) {
            for (int variant = 0; variant < 2; variant++) {
                String id = variant == 0 ? "a" : "b";
                for (int i = 0; i < users[phase][variant]; i++) {
                    Instant at = (phase == 0 ? phase1 : phase2).plusSeconds(i);
                    rows.add(CompletionRows.toJson(Events.completion(id + "-" + phase + "-" + i, "ramp", "main", id,
                            "u" + id + phase + "-" + i, at).setRouterVersion(phase + 1L).build()));
                    if (i < users[phase][variant] * (phase == 0 ? 3 : 1) / 10) { // a: 60 + 100 = 160; b: 540 + 100 = 640
                        outcomes.add(feedbackRow("ramp", id, "u" + id + phase + "-" + i, 1, at.plusSeconds(10)));
                    }
                }
            }
        }
        clickHouse.insertJsonRows(CompletionRows.TABLE, rows);
        clickHouse.insertJsonRows(ClickHouseSink.METRIC_FEEDBACK_TABLE, outcomes);

        ExperimentReports reports = new ExperimentReports(clickHouse, ReportOptions.defaults().withClock(Clock.fixed(now, ZoneOffset.UTC)));
        Instant from = now.minus(Duration.ofDays(7));
        ExperimentReport report = reports.report(ramp(2, 50, 50), List.of(ramp(1, 10, 90), ramp(2, 50, 50)), from, now, null);
        ExperimentReport.RouteReport route = report.routes().get(0);
        // Expected: 2,000 users at 10/90 and 2,000 at 50/50 = 1,200 a and 2,800 b, exactly what came.
        assertThat(route.srm().flagged()).isFalse();
        assertThat(route.srm().pValue()).isEqualTo(1.0);
        assertThat(route.variants().get(0).expectedShare()).isCloseTo(0.3, within(1e-12));
        assertThat(route.variants().get(0).trafficShare()).isCloseTo(0.3, within(1e-12));
        assertThat(route.variants().get(0).weight()).isEqualTo(50);
        assertThat(route.phases()).hasSize(2);
        assertThat(route.phases().get(0).routerVersions()).containsExactly(1L);
        assertThat(route.phases().get(0).weights()).containsEntry("a", 10).containsEntry("b", 90);
        assertThat(route.phases().get(0).units()).isEqualTo(2_000);
        assertThat(route.phases().get(0).from()).isEqualTo(phase1);
        assertThat(route.phases().get(1).routerVersions()).containsExactly(2L);
        assertThat(route.phases().get(1).from()).isEqualTo(phase2);
        assertThat(route.warning()).contains("confounded").doesNotContain("model");
        // Pooled, b looks better (13 % vs 23 %) though it converts exactly like a in each phase: no promotion on that.
        assertThat(route.variants().get(1).metrics().get(0).verdict()).isEqualTo(ExperimentReports.WINNER);
        assertThat(report.promotionObjection("main", "b", "conversion").code()).isEqualTo("mixed_phases");
        JsonNode json = report.toJson();
        assertThat(json.at("/routes/0/phases/0/router_versions/0").asLong()).isEqualTo(1);
        assertThat(json.at("/routes/0/phases/1/weights/a").asInt()).isEqualTo(50);

        // Within the last phase alone: one phase, no warning.
        ExperimentReport lastPhase = reports.report(ramp(2, 50, 50), List.of(ramp(1, 10, 90), ramp(2, 50, 50)), phase2, now, null);
        assertThat(lastPhase.routes().get(0).phases()).hasSize(1);
        assertThat(lastPhase.routes().get(0).warning()).isNull();
        // ... and its conversions are the phase's own: 10 % in both variants (phase 1's positives are before the range).
        assertThat(lastPhase.routes().get(0).variants().get(0).metrics().get(0).mean()).isCloseTo(0.1, within(1e-12));
        assertThat(lastPhase.routes().get(0).variants().get(1).metrics().get(0).mean()).isCloseTo(0.1, within(1e-12));

        // Without the history every version counts with today's 50/50: the ramp looks like a sample-ratio mismatch.
        assertThat(reports.report(ramp(2, 50, 50), from, now, null).routes().get(0).srm().flagged()).isTrue();
    }

    /** A row of metric_feedback exactly as the topology writes it to metrics.metric-feedback (and the sink inserts it). */
    private static byte[] feedbackRow(String router, String variant, String user, double value, Instant occurredAt) {
        FeedbackRow row = new FeedbackRow(UUID.randomUUID().toString(), occurredAt.getEpochSecond(),
                occurredAt.getEpochSecond(), router, "main", variant, user, "", "conversion", value, "user");
        return JsonSerde.of(FeedbackRow.class).serializer().serialize(MetricsTopics.METRIC_FEEDBACK, row);
    }

    /**
     * A boolean metric counted by user is the share of the users served in the range who had a positive outcome
     * within the range, each user once, from metric_feedback. Per variant, 100 users served in the last 7 days; 40 of
     * them are returning users who converted 37 days ago (served then too), of whom 10 converted again 2 days ago
     * (past the topology's 28-day de-duplication memory); 20 (a) / 35 (b) new users convert in the range. A 7-day
     * report counts the 10 repeaters and the new ones, not the 30 whose only positive was before the range; a report
     * from the experiment's start counts everyone who converted, the repeaters once.
     */
    @Test
    void aBooleanMetricCountsTheUsersServedInTheRangeWithAPositiveWithinIt() {
        ClickHouseMigrations.apply(clickHouse);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant from = now.minus(Duration.ofDays(7));
        Instant longAgo = now.minus(Duration.ofDays(37));
        Instant recently = now.minus(Duration.ofDays(2));
        List<byte[]> requests = new ArrayList<>();
        List<byte[]> feedback = new ArrayList<>();
        int[] newConverters = {20, 35};
        for (int variant = 0; variant < 2; variant++) {
            String id = variant == 0 ? "a" : "b";
            for (int i = 0; i < 100; i++) {
                String user = "u" + id + i;
                requests.add(CompletionRows.toJson(Events.completion(id + "-" + i, "conv", "main", id, user,
                        recently.minusSeconds(i)).build()));
                if (i < 40) { // returning: served and converted 37 days ago
                    requests.add(CompletionRows.toJson(Events.completion(id + "-old-" + i, "conv", "main", id, user,
                            longAgo).build()));
                    feedback.add(feedbackRow("conv", id, user, 1, longAgo.plusSeconds(60)));
                    if (i < 10) { // and again in the range
                        feedback.add(feedbackRow("conv", id, user, 1, recently.plusSeconds(60)));
                    }
                } else if (i < 40 + newConverters[variant]) {
                    feedback.add(feedbackRow("conv", id, user, 1, recently.plusSeconds(60)));
                    feedback.add(feedbackRow("conv", id, user, 1, recently.plusSeconds(120))); // twice: one user
                } else if (i < 90) {
                    feedback.add(feedbackRow("conv", id, user, 0, recently.plusSeconds(60))); // negative: no converter
                }
            }
            // Positive feedback from a user served only before the range, and from one in the other variant's log only.
            requests.add(CompletionRows.toJson(Events.completion(id + "-gone", "conv", "main", id, "gone-" + id, longAgo).build()));
            feedback.add(feedbackRow("conv", id, "gone-" + id, 1, recently));
            feedback.add(feedbackRow("conv", id, "u" + (variant == 0 ? "b" : "a") + "99", 1, recently));
        }
        clickHouse.insertJsonRows(CompletionRows.TABLE, requests);
        clickHouse.insertJsonRows(ClickHouseSink.METRIC_FEEDBACK_TABLE, feedback);
        clickHouse.insertJsonRows(ClickHouseSink.METRIC_FEEDBACK_TABLE, feedback.subList(0, 30)); // a retried batch

        RouterConfig router = Events.router("conv", new MetricDefinition("conversion", MetricKind.BOOLEAN, MetricDirection.INCREASE, null));
        ExperimentReports reports = new ExperimentReports(clickHouse, ReportOptions.defaults().withClock(Clock.fixed(now, ZoneOffset.UTC)));

        ExperimentReport lastWeek = reports.report(router, from, now.plusSeconds(1), null);
        ExperimentReport.MetricReport a = lastWeek.routes().get(0).variants().get(0).metrics().get(0);
        ExperimentReport.MetricReport b = lastWeek.routes().get(0).variants().get(1).metrics().get(0);
        assertThat(a.unit()).isEqualTo("users");
        assertThat(a.n()).isEqualTo(100);
        // 10 repeaters + 20 new; the 30 returning users whose only positive came 37 days ago are no converters here.
        assertThat(a.mean()).isCloseTo(0.30, within(1e-12));
        assertThat(b.n()).isEqualTo(100);
        assertThat(b.mean()).isCloseTo(0.45, within(1e-12));
        assertThat(b.difference().estimate()).isCloseTo(0.15, within(1e-12));

        // From the experiment's start: the 40 returning users converted in the range now (the 10 repeaters once).
        ExperimentReport all = reports.report(router, longAgo.minus(Duration.ofDays(1)), now.plusSeconds(1), null);
        ExperimentReport.VariantReport allA = all.routes().get(0).variants().get(0);
        assertThat(allA.users()).isEqualTo(101); // with gone-a
        assertThat(allA.metrics().get(0).mean()).isCloseTo((40 + 20 + 1) / 101.0, within(1e-12));
        assertThat(all.routes().get(0).variants().get(1).metrics().get(0).mean()).isCloseTo((40 + 35 + 1) / 101.0, within(1e-12));
        JsonNode json = lastWeek.toJson();
        assertThat(json.at("/routes/0/variants/1/metrics/0/mean").asDouble()).isCloseTo(0.45, within(1e-12));
    }

    /**
     * A PATCH gave variant b another model under the same id (version 2, same weights): the report shows two phases,
     * warns about the model change, and refuses promotion on the pooled numbers.
     */
    @Test
    void aVariantsModelChangeStartsANewPhase() {
        ClickHouseMigrations.apply(clickHouse);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant before = now.minus(Duration.ofDays(4));
        Instant after = now.minus(Duration.ofDays(1));
        List<byte[]> rows = new ArrayList<>();
        for (int version = 1; version <= 2; version++) {
            for (String id : List.of("a", "b")) {
                for (int i = 0; i < 50; i++) {
                    rows.add(CompletionRows.toJson(Events.completion(id + version + "-" + i, "swap", "main", id,
                            "u" + id + version + "-" + i, (version == 1 ? before : after).plusSeconds(i))
                            .setRouterVersion((long) version).build()));
                }
            }
        }
        clickHouse.insertJsonRows(CompletionRows.TABLE, rows);
        RouterConfig v1 = swap(1, "anthropic/claude-haiku-4-5");
        RouterConfig v2 = swap(2, "openai/gpt-5.2-mini");
        ExperimentReports reports = new ExperimentReports(clickHouse, ReportOptions.defaults().withClock(Clock.fixed(now, ZoneOffset.UTC)));

        ExperimentReport report = reports.report(v2, List.of(v1, v2), now.minus(Duration.ofDays(7)), now, null);
        ExperimentReport.RouteReport route = report.routes().get(0);
        assertThat(route.phases()).hasSize(2);
        assertThat(route.phases().get(0).weights()).isEqualTo(route.phases().get(1).weights());
        assertThat(route.phases().get(0).models()).containsEntry("b", "anthropic/claude-haiku-4-5");
        assertThat(route.phases().get(1).models()).containsEntry("b", "openai/gpt-5.2-mini");
        assertThat(route.phases().get(1).routerVersions()).containsExactly(2L);
        assertThat(route.phases().get(1).from()).isEqualTo(after);
        assertThat(route.warning()).contains("model changed").doesNotContain("weights changed");
        assertThat(route.srm().flagged()).isFalse();
        assertThat(report.promotionObjection("main", "b", "conversion").code()).isEqualTo("mixed_phases");
        assertThat(report.toJson().at("/routes/0/phases/1/models/b").asText()).isEqualTo("openai/gpt-5.2-mini");

        // The current phase alone is one phase; with the same model in both versions there is no new phase.
        assertThat(reports.report(v2, List.of(v1, v2), after, now, null).routes().get(0).warning()).isNull();
        ExperimentReport sameModel = reports.report(swap(2, "anthropic/claude-haiku-4-5"),
                List.of(v1, swap(2, "anthropic/claude-haiku-4-5")), now.minus(Duration.ofDays(7)), now, null);
        assertThat(sameModel.routes().get(0).phases()).hasSize(1);
        assertThat(sameModel.routes().get(0).warning()).isNull();
    }

    /** Router "swap": route "main" with a (control) and b at 50/50, b served by {@code modelB}. */
    private static RouterConfig swap(long version, String modelB) {
        Route route = new Route("main", null, List.of(new Variant("a", "openai/gpt-5.2", 50),
                new Variant("b", modelB, 50)), List.of());
        Instant now = Instant.now();
        return RouterConfig.newBuilder().setId("swap").setVersion(version).setRoutes(List.of(route))
                .setMetrics(List.of(new MetricDefinition("conversion", MetricKind.BOOLEAN, MetricDirection.INCREASE, null)))
                .setCreatedAt(now).setUpdatedAt(now).build();
    }
}
