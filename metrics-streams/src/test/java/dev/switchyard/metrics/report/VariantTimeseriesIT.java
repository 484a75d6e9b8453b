package dev.switchyard.metrics.report;

import dev.switchyard.metrics.clickhouse.ClickHouseConnection;
import dev.switchyard.metrics.clickhouse.ClickHouseEndpoint;
import dev.switchyard.metrics.clickhouse.ClickHouseMigrations;
import dev.switchyard.metrics.clickhouse.ClickHouseSink;
import dev.switchyard.testsupport.services.ClickHouseServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The dashboard's time series read back from {@code variant_windows} on a real ClickHouse. */
@Timeout(120)
class VariantTimeseriesIT {
    private final ClickHouseEndpoint endpoint = ClickHouseEndpoint.of(ClickHouseServer.shared().httpUrl())
            .withDatabase("ts_" + UUID.randomUUID().toString().replace("-", ""));
    private final ClickHouseConnection clickHouse = new ClickHouseConnection(endpoint);

    @AfterEach
    void close() {
        clickHouse.close();
    }

    private static byte[] row(int window, Instant start, String router, String variant, long requests, long errors,
                              double cost, long latencySum, long version) {
        return ("{\"window_seconds\":" + window + ",\"window_start\":" + start.getEpochSecond() + ",\"router_id\":\"" + router
                + "\",\"route_id\":\"main\",\"variant_id\":\"" + variant + "\",\"requests\":" + requests + ",\"errors\":" + errors
                + ",\"cancelled\":0,\"failovers\":1,\"input_tokens\":" + requests * 100 + ",\"output_tokens\":" + requests * 20
                + ",\"cost_usd\":" + cost + ",\"priced_requests\":" + requests + ",\"latency_ms_sum\":" + latencySum
                + ",\"error_kinds\":[],\"error_counts\":[],\"version\":" + version + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheLatestStateOfEachWindowPerVariantInOrderWithinTheRange() {
        ClickHouseMigrations.apply(clickHouse);
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
        List<byte[]> rows = new ArrayList<>();
        // Two minutes of variant a and b; the first minute of a arrives in two states (the later one wins).
        rows.add(row(60, hour, "ts", "a", 3, 0, 0.003, 600, 1));
        rows.add(row(60, hour, "ts", "a", 10, 1, 0.010, 2_000, 2));
        rows.add(row(60, hour, "ts", "b", 4, 0, 0.008, 400, 1));
        rows.add(row(60, hour.plusSeconds(60), "ts", "a", 5, 5, 0.0, 1_000, 1));
        rows.add(row(60, hour.plusSeconds(120), "other", "a", 99, 0, 0.1, 1, 1)); // another router
        rows.add(row(3600, hour, "ts", "a", 15, 6, 0.010, 3_000, 3));
        rows.add(row(60, hour.minus(Duration.ofHours(2)), "ts", "a", 7, 0, 0.0, 7, 1)); // before the range
        clickHouse.insertJsonRows(ClickHouseSink.VARIANT_WINDOWS_TABLE, rows);
        clickHouse.insertJsonRows(ClickHouseSink.VARIANT_WINDOWS_TABLE, List.of(rows.get(0))); // re-delivered old state

        Timeseries minutes = new VariantTimeseries(clickHouse).query("ts", hour.minusSeconds(30), hour.plus(Duration.ofHours(1)), 60);
        assertThat(minutes.windowSeconds()).isEqualTo(60);
        assertThat(minutes.points()).extracting(p -> p.windowStart() + "/" + p.variantId() + "=" + p.requests())
                .containsExactly(hour + "/a=10", hour + "/b=4", hour.plusSeconds(60) + "/a=5");
        Timeseries.Point first = minutes.points().get(0);
        assertThat(first.errors()).isEqualTo(1);
        assertThat(first.errorRate()).isCloseTo(0.1, within(1e-12));
        assertThat(first.meanLatencyMs()).isCloseTo(200.0, within(1e-9));
        assertThat(first.costUsd()).isCloseTo(0.010, within(1e-12));
        assertThat(first.inputTokens()).isEqualTo(1_000);
        assertThat(first.failovers()).isEqualTo(1);

        Timeseries hours = new VariantTimeseries(clickHouse).query("ts", hour, hour.plus(Duration.ofHours(1)), 3600);
        assertThat(hours.points()).singleElement().satisfies(p -> {
            assertThat(p.requests()).isEqualTo(15);
            assertThat(p.windowStart()).isEqualTo(hour);
        });
        assertThat(hours.toJson().at("/points/0/window_start").asText()).isEqualTo(hour.toString());
        assertThat(hours.toJson().at("/points/0/mean_latency_ms").asDouble()).isEqualTo(200.0);
        assertThat(hours.toJson().at("/window_seconds").asInt()).isEqualTo(3600);
    }

    @Test
    void refusesEmptyRangesOtherWindowsAndTooManyPoints() {
        VariantTimeseries series = new VariantTimeseries(clickHouse);
        Instant now = Instant.now();
        assertThatThrownBy(() -> series.query("ts", now, now, 60)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> series.query("ts", now.minusSeconds(600), now, 300)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> series.query("ts", now.minus(Duration.ofDays(7)), now, 60))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window=3600");
        assertThat(VariantTimeseries.windowFor(now.minus(Duration.ofHours(6)), now)).isEqualTo(60);
        assertThat(VariantTimeseries.windowFor(now.minus(Duration.ofDays(7)), now)).isEqualTo(3600);
    }
}
