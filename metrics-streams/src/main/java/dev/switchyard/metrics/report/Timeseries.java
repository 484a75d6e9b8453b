package dev.switchyard.metrics.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.switchyard.metrics.streams.Json;

import java.time.Instant;
import java.util.List;

/**
 * A router's traffic per route, variant and window over a time range, from the {@code variant_windows} table: what
 * the dashboard draws over time (traffic split, errors, cost, mean latency). Windows without traffic have no point.
 * {@link #json()} uses snake_case like the report.
 *
 * @param windowSeconds 60 or 3600
 * @param points        ordered by window start, then route, then variant
 */
public record Timeseries(String routerId, Instant from, Instant to, int windowSeconds, List<Point> points) {

    private static final ObjectMapper JSON = Json.MAPPER.copy()
            .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));

    /**
     * One window of one variant.
     *
     * @param meanLatencyMs mean end-to-end latency of the window's requests (all of them, failed ones too)
     * @param errorRate     errors / requests
     */
    public record Point(Instant windowStart, String routeId, String variantId, long requests, long errors, long cancelled,
                        long failovers, long inputTokens, long outputTokens, double costUsd, long pricedRequests,
                        Double meanLatencyMs, Double errorRate) {
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
