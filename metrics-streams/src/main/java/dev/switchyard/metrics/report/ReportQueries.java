package dev.switchyard.metrics.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.metrics.clickhouse.ClickHouseConnection;
import dev.switchyard.metrics.clickhouse.Sql;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report's ClickHouse queries (SQL that runs on 18.16 and on current servers; tables read with FINAL so that
 * re-delivered rows count once). Latency and TTFT percentiles come from the request log ({@code quantiles}:
 * exact up to 8,192 values per variant, a uniform reservoir sample beyond); latency of successful requests, TTFT of
 * streamed ones (a non-streamed answer's first token arrives with its last).
 */
final class ReportQueries {
    record VariantKey(String routeId, String variantId) {
    }

    record Traffic(long requests, long users, long errors, long cancelled, long failovers, Double latencyP50,
                   Double latencyP95, Double ttftP50, Double ttftP95, double costUsd, long pricedRequests,
                   long inputTokens, long outputTokens) {
    }

    record Outcome(long observations, double sum, double sumSq, long users, long positiveUsers) {
    }

    record Retention(long users, long returned) {
    }

    /**
     * The units of one variant under one router version: users whose first request in the range (in the route) was
     * served by that version and variant, and requests; and when the route's requests of that version came (epoch seconds).
     */
    record VersionUnits(String routeId, String variantId, long routerVersion, long users, long requests, long firstAt,
                        long lastAt) {
    }

    /** Chat answers only: token-count calls are in the request log but are no experiment traffic (migration V004). */
    private static final String CHAT_ONLY = "count_tokens = 0";

    private final ClickHouseConnection clickHouse;

    ReportQueries(ClickHouseConnection clickHouse) {
        this.clickHouse = clickHouse;
    }

    private static String range(String column, Instant from, Instant to) {
        return column + " >= " + Sql.dateTime(from) + " AND " + column + " < " + Sql.dateTime(to);
    }

    Map<VariantKey, Traffic> traffic(String routerId, Instant from, Instant to) {
        Map<VariantKey, Traffic> result = new HashMap<>();
        for (JsonNode row : clickHouse.query("""
                SELECT route_id, variant_id, count() AS requests, uniqExactIf(user_id, user_id != '') AS users,
                       countIf(status = 'ERROR') AS errors, countIf(status = 'CANCELLED') AS cancelled,
                       countIf(attempts > 1) AS failovers,
                       quantilesIf(0.5, 0.95)(latency_ms, status = 'OK') AS latency,
                       quantilesIf(0.5, 0.95)(ttft_ms, stream = 1) AS ttft,
                       sum(ifNull(cost_usd, 0)) AS cost, countIf(isNotNull(cost_usd)) AS priced,
                       sum(input_tokens) AS tokens_in, sum(output_tokens) AS tokens_out
                FROM requests FINAL
                WHERE router_id = %s AND %s AND %s
                GROUP BY route_id, variant_id""".formatted(Sql.string(routerId), CHAT_ONLY, range("received_at", from, to)))) {
            result.put(key(row), new Traffic(row.path("requests").asLong(), row.path("users").asLong(),
                    row.path("errors").asLong(), row.path("cancelled").asLong(), row.path("failovers").asLong(),
                    number(row.path("latency").path(0)), number(row.path("latency").path(1)),
                    number(row.path("ttft").path(0)), number(row.path("ttft").path(1)),
                    row.path("cost").asDouble(), row.path("priced").asLong(),
                    row.path("tokens_in").asLong(), row.path("tokens_out").asLong()));
        }
        return result;
    }

    /**
     * Units per route, variant and router version (the request log's {@code router_version}: the weights in force).
     * A user counts once, in the version and variant of their first request in the range: that is where the weights
     * assigned them.
     */
    List<VersionUnits> versionUnits(String routerId, Instant from, Instant to) {
        String where = "router_id = %s AND %s AND %s".formatted(Sql.string(routerId), CHAT_ONLY, range("received_at", from, to));
        Map<List<Object>, Long> users = new HashMap<>();
        for (JsonNode row : clickHouse.query("""
                SELECT route_id, first_variant AS variant_id, first_version AS router_version, count() AS users
                FROM (
                    SELECT route_id, user_id, argMin(variant_id, received_at) AS first_variant,
                           argMin(router_version, received_at) AS first_version
                    FROM requests FINAL
                    WHERE %s AND user_id != ''
                    GROUP BY route_id, user_id
                )
                GROUP BY route_id, first_variant, first_version""".formatted(where))) {
            users.put(List.of(key(row), row.path("router_version").asLong()), row.path("users").asLong());
        }
        List<VersionUnits> result = new ArrayList<>();
        for (JsonNode row : clickHouse.query("""
                SELECT route_id, variant_id, router_version, count() AS requests,
                       toUnixTimestamp(min(received_at)) AS first_at, toUnixTimestamp(max(received_at)) AS last_at
                FROM requests FINAL
                WHERE %s
                GROUP BY route_id, variant_id, router_version""".formatted(where))) {
            VariantKey key = key(row);
            long version = row.path("router_version").asLong();
            result.add(new VersionUnits(key.routeId(), key.variantId(), version,
                    users.getOrDefault(List.of(key, version), 0L), row.path("requests").asLong(),
                    row.path("first_at").asLong(), row.path("last_at").asLong()));
        }
        return result;
    }

    /** Errors per variant by kind ({@code <http status>:<error type>}). */
    Map<VariantKey, Map<String, Long>> errorsByKind(String routerId, Instant from, Instant to) {
        Map<VariantKey, Map<String, Long>> result = new HashMap<>();
        for (JsonNode row : clickHouse.query("""
                SELECT route_id, variant_id, http_status, error_type, count() AS n
                FROM requests FINAL
                WHERE router_id = %s AND status = 'ERROR' AND %s AND %s
                GROUP BY route_id, variant_id, http_status, error_type""".formatted(Sql.string(routerId), CHAT_ONLY,
                range("received_at", from, to)))) {
            String type = row.path("error_type").asText();
            String kind = row.path("http_status").asInt() + ":" + (type.isEmpty() ? "error" : type);
            result.computeIfAbsent(key(row), k -> new TreeMap<>()).merge(kind, row.path("n").asLong(), Long::sum);
        }
        return result;
    }

    /**
     * Outcome totals per variant and metric, summed over the 1-minute windows that start in the range (so feedback
     * is counted by when it arrived). Route and variant '' hold unattributed feedback. Their {@code users} and
     * {@code positive_users} are the topology's per-window "first (positive) feedback of a user" flags, which depend
     * on its de-duplication memory: the report counts a boolean metric's users with {@link #positiveUsers} instead.
     */
    Map<VariantKey, Map<String, Outcome>> outcomes(String routerId, Instant from, Instant to) {
        Map<VariantKey, Map<String, Outcome>> result = new HashMap<>();
        for (JsonNode row : clickHouse.query("""
                SELECT route_id, variant_id, metric, sum(observations) AS observations, sum(value_sum) AS value_sum,
                       sum(value_sum_sq) AS value_sum_sq, sum(users) AS users, sum(positive_users) AS positive_users
                FROM metric_windows FINAL
                WHERE router_id = %s AND window_seconds = 60 AND %s
                GROUP BY route_id, variant_id, metric""".formatted(Sql.string(routerId),
                range("window_start", from.truncatedTo(ChronoUnit.MINUTES), to)))) {
            result.computeIfAbsent(key(row), k -> new HashMap<>()).put(row.path("metric").asText(),
                    new Outcome(row.path("observations").asLong(), row.path("value_sum").asDouble(),
                            row.path("value_sum_sq").asDouble(), row.path("users").asLong(),
                            row.path("positive_users").asLong()));
        }
        return result;
    }

    /**
     * Boolean metrics counted by user: per route, variant and metric, the users served by the variant in the range
     * (request log) who had a positive outcome (value &gt; 0) for the metric, attributed to the same route and
     * variant, that happened within the range ({@code metric_feedback.occurred_at}; migration V005). Each user once,
     * however often they sent feedback and whatever they sent before the range: a positive before {@code from} is
     * not one within it.
     */
    Map<VariantKey, Map<String, Long>> positiveUsers(String routerId, Instant from, Instant to) {
        Map<VariantKey, Map<String, Long>> result = new HashMap<>();
        String router = Sql.string(routerId);
        for (JsonNode row : clickHouse.query("""
                SELECT route_id, variant_id, metric, uniqExact(user_id) AS users
                FROM metric_feedback
                WHERE router_id = %s AND user_id != '' AND value > 0 AND %s
                  AND (route_id, variant_id, user_id) IN (
                      SELECT route_id, variant_id, user_id
                      FROM requests
                      WHERE router_id = %s AND user_id != '' AND %s AND %s)
                GROUP BY route_id, variant_id, metric""".formatted(router, range("occurred_at", from, to), router,
                CHAT_ONLY, range("received_at", from, to)))) {
            result.computeIfAbsent(key(row), k -> new HashMap<>()).put(row.path("metric").asText(), row.path("users").asLong());
        }
        return result;
    }

    /**
     * N-day retention from the request log: users first seen (in the variant) within the range whose N days are
     * over by {@code now} (first seen before today − N: a user first seen N days ago may still come back today), and how many of them came back, i.e. made a request on a later (UTC) day within N days.
     */
    Map<VariantKey, Retention> retention(String routerId, Instant from, Instant to, int days, Instant now) {
        Map<VariantKey, Retention> result = new HashMap<>();
        LocalDate lastFirstDay = to.minusSeconds(1).atZone(ZoneOffset.UTC).toLocalDate();
        // A user first seen on day D may come back until day D + N, today included: D + N must be before today.
        LocalDate latestMatured = now.atZone(ZoneOffset.UTC).toLocalDate().minusDays(days + 1L);
        LocalDate until = lastFirstDay.isBefore(latestMatured) ? lastFirstDay : latestMatured;
        for (JsonNode row : clickHouse.query("""
                SELECT route_id, variant_id, count() AS users, sum(returned) AS returned
                FROM (
                    SELECT route_id, variant_id, user_id,
                           arraySort(groupUniqArray(toDate(received_at))) AS days,
                           toUInt8(length(days) > 1 AND days[2] - days[1] <= %d) AS returned
                    FROM requests FINAL
                    WHERE router_id = %s AND user_id != '' AND %s AND %s
                    GROUP BY route_id, variant_id, user_id
                    HAVING days[1] <= toDate(%s)
                )
                GROUP BY route_id, variant_id""".formatted(days, Sql.string(routerId), CHAT_ONLY,
                range("received_at", from, to.plus(Duration.ofDays(days + 1))), Sql.string(until.toString())))) {
            result.put(key(row), new Retention(row.path("users").asLong(), row.path("returned").asLong()));
        }
        return result;
    }

    private static VariantKey key(JsonNode row) {
        return new VariantKey(row.path("route_id").asText(), row.path("variant_id").asText());
    }

    /** A ClickHouse number (JSON number, quoted 64-bit integer, or null for nan/empty). */
    private static Double number(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        double v = node.asDouble(Double.NaN);
        return Double.isFinite(v) ? v : null;
    }
}
