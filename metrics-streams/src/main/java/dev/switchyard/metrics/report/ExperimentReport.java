package dev.switchyard.metrics.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.switchyard.metrics.streams.Json;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The experiment report of one router over a time range: per route, per variant, traffic, errors, latency, cost
 * and every outcome metric with its anytime-valid confidence sequence, the difference to the route's control (its
 * first variant) and a verdict. {@link #toJson()} renders it with snake_case names; undefined numbers are null.
 *
 * @param unattributedFeedback per metric, feedback naming this router that matched no request or user within the
 *                             attribution window
 */
public record ExperimentReport(String routerId, long routerVersion, Instant from, Instant to, Instant generatedAt,
                               double alpha, List<RouteReport> routes, Map<String, Long> unattributedFeedback) {

    private static final ObjectMapper JSON = Json.MAPPER.copy()
            .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));

    /**
     * @param condition the route's CEL condition; null for the default route
     * @param unit      what traffic share and SRM count: {@code users}, or {@code requests} without user ids
     * @param srm       null when there is nothing to test (one weighted variant, no traffic)
     */
    public record RouteReport(String routeId, String condition, String controlVariantId, String unit, long users,
                              long requests, Srm srm, List<VariantReport> variants) {
    }

    public record Srm(double chiSquare, int degreesOfFreedom, double pValue, boolean flagged, double threshold) {
    }

    /**
     * @param configured    false for a variant seen in the log that the router no longer has (weight 0)
     * @param expectedShare the configured weight's share of the route
     * @param trafficShare  the observed share of the route's units
     */
    public record VariantReport(String variantId, String modelId, boolean control, boolean configured, int weight,
                                Double expectedShare, long users, long requests, Double trafficShare,
                                long errors, Double errorRate, Map<String, Long> errorsByKind, long cancelled,
                                long failovers, Percentiles latencyMs, Percentiles ttftMs, double costUsd,
                                Double costPerRequest, @JsonProperty("cost_per_1k_users") Double costPer1kUsers, long inputTokens, long outputTokens,
                                List<MetricReport> metrics) {
    }

    public record Percentiles(Double p50, Double p95) {
    }

    /**
     * @param unit       {@code users} (boolean metrics: users with a positive outcome among users served; retention)
     *                   or {@code observations} (float metrics: attributed feedback values)
     * @param confidence the mean's 1 − alpha confidence sequence
     * @param difference this variant's mean minus the control's, with its confidence sequence; null for the control
     * @param verdict    {@code control}, {@code winner}, {@code loser} or {@code inconclusive}
     */
    public record MetricReport(String name, String kind, String direction, String unit, long n, Double mean,
                               Bounds confidence, Difference difference, String verdict) {
    }

    public record Bounds(Double lower, Double upper) {
    }

    public record Difference(Double estimate, Double lower, Double upper, Double relative) {
    }

    public JsonNode toJson() {
        return JSON.valueToTree(this);
    }

    public String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
