package dev.switchyard.metrics.clickhouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.Attempt;
import dev.switchyard.events.Completion;
import dev.switchyard.events.Usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Completion as a row of the {@code requests} table ({@code JSONEachRow}). Times are epoch seconds (ClickHouse's
 * DateTime; epoch milliseconds would silently wrap), absent strings are empty (they are part of the sort key or
 * compared with '' in queries), the metadata map becomes two parallel arrays (no Map type on 18.16).
 */
public final class CompletionRows {
    public static final String TABLE = "requests";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CompletionRows() {
    }

    public static byte[] toJson(Completion c) {
        ObjectNode row = JSON.createObjectNode();
        row.put("request_id", c.getRequestId());
        row.put("received_at", c.getReceivedAt().getEpochSecond());
        row.put("completed_at", c.getCompletedAt().getEpochSecond());
        row.put("router_id", nz(c.getRouterId()));
        row.put("router_version", c.getRouterVersion() == null ? 0 : c.getRouterVersion());
        row.put("route_id", nz(c.getRouteId()));
        row.put("variant_id", nz(c.getVariantId()));
        row.put("user_id", nz(c.getUserId()));
        row.put("api_key_id", nz(c.getApiKeyId()));
        row.put("protocol", c.getProtocol().name());
        row.put("stream", c.getStream() ? 1 : 0);
        row.put("requested_model", nz(c.getRequestedModel()));
        row.put("model_id", nz(c.getModelId()));
        row.put("provider", nz(c.getProvider()));
        row.put("status", c.getStatus().name());
        row.put("http_status", c.getHttpStatus());
        row.put("error_type", nz(c.getErrorType()));
        row.put("finish_reason", nz(c.getFinishReason()));
        row.put("attempts", c.getAttempts().size());
        ArrayNode models = row.putArray("attempt_models");
        ArrayNode outcomes = row.putArray("attempt_outcomes");
        for (Attempt attempt : c.getAttempts()) {
            models.add(attempt.getModelId());
            outcomes.add(attempt.getOutcome());
        }
        Usage usage = c.getUsage();
        row.put("input_tokens", usage == null ? 0 : usage.getInputTokens());
        row.put("output_tokens", usage == null ? 0 : usage.getOutputTokens());
        row.put("cache_read_tokens", usage == null ? 0 : usage.getCacheReadTokens());
        row.put("cache_write_tokens", usage == null ? 0 : usage.getCacheWriteTokens());
        row.put("reasoning_tokens", usage == null ? 0 : usage.getReasoningTokens());
        if (c.getCostUsd() == null || !Double.isFinite(c.getCostUsd())) {
            row.putNull("cost_usd");
        } else {
            row.put("cost_usd", c.getCostUsd());
        }
        if (c.getTtftMs() == null) {
            row.putNull("ttft_ms");
        } else {
            row.put("ttft_ms", c.getTtftMs());
        }
        row.put("latency_ms", c.getLatencyMs());
        row.put("count_tokens", c.getCountTokens() ? 1 : 0);
        ArrayNode keys = row.putArray("metadata_keys");
        ArrayNode values = row.putArray("metadata_values");
        for (Map.Entry<String, String> e : new TreeMap<>(c.getMetadata()).entrySet()) {
            keys.add(e.getKey());
            values.add(e.getValue());
        }
        try {
            return JSON.writeValueAsBytes(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
