package dev.switchyard.metrics.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.MetricDefinition;
import dev.switchyard.events.MetricDirection;
import dev.switchyard.events.MetricKind;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.metrics.Events;
import dev.switchyard.metrics.report.ExperimentReport;
import dev.switchyard.metrics.report.ExperimentReports;
import dev.switchyard.metrics.report.ReportOptions;
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
        assertThat(ClickHouseMigrations.apply(clickHouse)).containsExactly(1, 2, 3, 4);
        assertThat(ClickHouseMigrations.apply(clickHouse)).isEmpty();

        List<JsonNode> recorded = clickHouse.query("SELECT version, name FROM schema_migrations ORDER BY version");
        assertThat(recorded).extracting(r -> r.get("name").asText())
                .containsExactly("V001__requests.sql", "V002__variant_windows.sql", "V003__metric_windows.sql",
                        "V004__requests_count_tokens.sql");
        assertThat(clickHouse.query("SHOW TABLES")).extracting(r -> r.get("name").asText())
                .contains("requests", "variant_windows", "metric_windows", "schema_migrations");
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

        assertThat(ClickHouseMigrations.apply(clickHouse, all)).containsExactly(4);

        assertThat(clickHouse.queryLong("SELECT count() FROM requests FINAL WHERE router_id = 'upgrade' AND count_tokens = 0"))
                .isEqualTo(1);
    }

    @Test
    void aColumnAnotherInstanceAddedFirstCountsAsMigrated() {
        List<Migration> all = ClickHouseMigrations.load();
        ClickHouseMigrations.apply(clickHouse, all.subList(0, 3));
        clickHouse.execute(all.get(3).statements().get(0)); // the other instance, between our check and our ALTER

        assertThat(ClickHouseMigrations.apply(clickHouse, all)).containsExactly(4);
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
}
