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
import java.util.Locale;
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
     * @param unit      what traffic share and SRM count: {@code users} (each in the variant and router version of their
     *                  first request in the range), or {@code requests} without user ids
     * @param srm       null when there is nothing to test (one weighted variant, no traffic)
     * @param phases    the allocation phases the range spans (runs of router versions with the same weights and the
     *                  same variants' models for this route), oldest first; empty without traffic
     * @param warning   why the route's comparisons may mislead (several phases: weights changed, or a variant's model
     *                  changed under the same variant id), else null
     */
    public record RouteReport(String routeId, String condition, String controlVariantId, String unit, long users,
                              long requests, Srm srm, List<Phase> phases, String warning, List<VariantReport> variants) {
    }

    /**
     * @param routerVersions the router versions of the phase (as the request log records them)
     * @param weights        the route's weights in them, by variant
     * @param units          the route's units served by them
     * @param from           the first request of the phase in the range
     * @param to             the last one
     * @param models         the route's variants' models in them, by variant
     */
    public record Phase(List<Long> routerVersions, Map<String, Integer> weights, long units, Instant from, Instant to,
                        Map<String, String> models) {
        public Phase(List<Long> routerVersions, Map<String, Integer> weights, long units, Instant from, Instant to) {
            this(routerVersions, weights, units, from, to, Map.of());
        }
    }

    public record Srm(double chiSquare, int degreesOfFreedom, double pValue, boolean flagged, double threshold) {
    }

    /**
     * @param configured       false for a variant seen in the log that the router no longer has (weight 0)
     * @param weight           the current weight
     * @param expectedShare    the share the weights in force over the range lead to expect: each router version's
     *                         weights, weighted by the units it served (the current weight's share without traffic)
     * @param trafficShare     the observed share of the route's units
     * @param costPerRequest   the cost of the priced requests over their number (null when none was priced)
     * @param unpricedRequests requests without a cost (failed before usage, or a model without prices): not in
     *                         {@code costUsd}, {@code costPerRequest} or {@code costPer1kUsers}
     */
    public record VariantReport(String variantId, String modelId, boolean control, boolean configured, int weight,
                                Double expectedShare, long users, long requests, Double trafficShare,
                                long errors, Double errorRate, Map<String, Long> errorsByKind, long cancelled,
                                long failovers, Percentiles latencyMs, Percentiles ttftMs, double costUsd,
                                Double costPerRequest, long unpricedRequests,
                                @JsonProperty("cost_per_1k_users") Double costPer1kUsers, long inputTokens,
                                long outputTokens, List<MetricReport> metrics) {
    }

    public record Percentiles(Double p50, Double p95) {
    }

    /**
     * @param unit       {@code users} (boolean metrics: the share of the users served in the range who had a
     *                   positive outcome within the range; retention)
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

    /**
     * Why a promotion is refused: {@code code} for clients ({@code not_a_winner}, {@code sample_ratio_mismatch},
     * {@code mixed_phases}), a message for people.
     */
    public record Objection(String code, String message) {
    }

    /**
     * Whether this report backs sending all of route {@code routeId} to {@code variantId}: null when the variant's
     * verdict on {@code metric} (the router's primary metric, see {@link ExperimentReports#primaryMetric}) is
     * {@code winner}, the route's split shows no sample-ratio mismatch and the range lies within one allocation
     * phase of the route; otherwise why not. A flagged split comes first: it makes every verdict of the route suspect.
     */
    public Objection promotionObjection(String routeId, String variantId, String metric) {
        String where = "variant '" + variantId + "' of route '" + routeId + "'";
        String range = "report " + from + " → " + to;
        RouteReport route = routes.stream().filter(r -> r.routeId().equals(routeId)).findFirst().orElse(null);
        if (route != null && route.srm() != null && route.srm().flagged()) {
            return new Objection("sample_ratio_mismatch", "Route '" + routeId + "' has a sample-ratio mismatch (p = "
                    + String.format(Locale.ROOT, "%.2g", route.srm().pValue()) + ", " + range + "): its split does not "
                    + "match its weights, so its verdicts are suspect. Find the cause first, or send \"force\": true.");
        }
        if (route != null && route.phases().size() > 1) {
            Phase last = route.phases().get(route.phases().size() - 1);
            return new Objection("mixed_phases", "The allocation of route '" + routeId + "' (its weights or a variant's "
                    + "model) changed within the range (" + range
                    + ": " + route.phases().size() + " allocation phases), so its verdicts pool phases and can be "
                    + "confounded. Read the report from the current phase's start (\"from\": \"" + last.from() + "\", router "
                    + "versions " + last.routerVersions() + ") and promote on that, or send \"force\": true.");
        }
        if (metric == null) {
            return new Objection("not_a_winner", "Router '" + routerId + "' declares no outcome metric, so no report can "
                    + "name a winner; send \"force\": true to promote " + where + " anyway.");
        }
        String verdict = route == null ? null : route.variants().stream().filter(v -> v.variantId().equals(variantId))
                .flatMap(v -> v.metrics().stream()).filter(m -> m.name().equals(metric)).map(MetricReport::verdict)
                .findFirst().orElse(null);
        if (ExperimentReports.WINNER.equals(verdict)) {
            return null;
        }
        return new Objection("not_a_winner", where + " is " + (verdict == null ? "not in the report" : "'" + verdict + "'")
                + " on the primary metric '" + metric + "' (" + range + "), not the winner; send \"force\": true to promote it anyway.");
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
