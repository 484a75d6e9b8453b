package dev.switchyard.metrics.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.metrics.clickhouse.ClickHouseConnection;
import dev.switchyard.metrics.clickhouse.ClickHouseEndpoint;
import dev.switchyard.metrics.clickhouse.Sql;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a router's per-variant window rows ({@code variant_windows}, written by the Streams topology) for a time
 * range: the library behind {@code GET /router/v1/routers/{id}/timeseries}. Thread-safe.
 */
public final class VariantTimeseries implements AutoCloseable {
    /** The window sizes the topology writes. */
    public static final List<Integer> WINDOWS = List.of(60, 3600);
    /** The most windows one answer covers (per variant): a month of hours, two days of minutes. */
    public static final long MAX_WINDOWS = 31 * 24;

    private final ClickHouseConnection clickHouse;
    private final boolean ownsConnection;

    public VariantTimeseries(ClickHouseEndpoint endpoint) {
        this.clickHouse = new ClickHouseConnection(endpoint);
        this.ownsConnection = true;
    }

    /** Shares {@code clickHouse} (not closed by {@link #close()}). */
    public VariantTimeseries(ClickHouseConnection clickHouse) {
        this.clickHouse = clickHouse;
        this.ownsConnection = false;
    }

    /** The window that keeps a chart of the range readable: minutes up to six hours, hours beyond. */
    public static int windowFor(Instant from, Instant to) {
        return Duration.between(from, to).compareTo(Duration.ofHours(6)) <= 0 ? 60 : 3600;
    }

    /**
     * @param from          start of the range: windows starting at or after {@code from} truncated to the window
     * @param to            end of the range (exclusive): windows starting before it
     * @param windowSeconds 60 or 3600
     * @throws IllegalArgumentException for an empty range, another window size, or more than {@link #MAX_WINDOWS}
     *                                  windows
     */
    public Timeseries query(String routerId, Instant from, Instant to, int windowSeconds) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("'from' must be before 'to'");
        }
        if (!WINDOWS.contains(windowSeconds)) {
            throw new IllegalArgumentException("window must be 60 or 3600 seconds, not " + windowSeconds);
        }
        Instant start = Instant.ofEpochSecond(Math.floorDiv(from.getEpochSecond(), windowSeconds) * windowSeconds);
        long windows = Duration.between(start, to).toSeconds() / windowSeconds + 1;
        if (windows > MAX_WINDOWS) {
            throw new IllegalArgumentException("the range spans " + windows + " windows of " + windowSeconds
                    + " s; at most " + MAX_WINDOWS + " (use a shorter range or window=3600)");
        }
        List<Timeseries.Point> points = new ArrayList<>();
        for (JsonNode row : clickHouse.query("""
                SELECT toUInt32(window_start) AS start, route_id, variant_id, requests, errors, cancelled, failovers,
                       input_tokens, output_tokens, cost_usd, priced_requests, latency_ms_sum
                FROM variant_windows FINAL
                WHERE router_id = %s AND window_seconds = %d AND window_start >= %s AND window_start < %s
                ORDER BY start, route_id, variant_id""".formatted(Sql.string(routerId), windowSeconds,
                Sql.dateTime(start), Sql.dateTime(to)))) {
            long requests = row.path("requests").asLong();
            long errors = row.path("errors").asLong();
            points.add(new Timeseries.Point(Instant.ofEpochSecond(row.path("start").asLong()),
                    row.path("route_id").asText(), row.path("variant_id").asText(), requests, errors,
                    row.path("cancelled").asLong(), row.path("failovers").asLong(), row.path("input_tokens").asLong(),
                    row.path("output_tokens").asLong(), row.path("cost_usd").asDouble(),
                    row.path("priced_requests").asLong(),
                    requests == 0 ? null : row.path("latency_ms_sum").asDouble() / requests,
                    requests == 0 ? null : (double) errors / requests));
        }
        return new Timeseries(routerId, from, to, windowSeconds, points);
    }

    @Override
    public void close() {
        if (ownsConnection) {
            clickHouse.close();
        }
    }
}
