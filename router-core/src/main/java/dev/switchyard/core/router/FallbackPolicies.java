package dev.switchyard.core.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.FallbackPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code fallback} object, the same on a router and on a request:
 * {@code {models, ttft_timeout, total_timeout, max_attempts, hedge_after, continue_midstream}}.
 * A request's object overrides the router's field by field ({@link #merge}).
 */
public final class FallbackPolicies {
    private FallbackPolicies() {
    }

    /**
     * The object at {@code node} (null when absent), its {@code models} stored as catalog ids.
     *
     * @param catalogId the catalog id a model name stands for, empty when the catalog has none
     */
    public static FallbackPolicy parse(JsonNode node, String field, Function<String, Optional<String>> catalogId) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isObject()) {
            throw new RouterValidationException(field, "must be an object");
        }
        FallbackPolicy policy = new FallbackPolicy();
        JsonNode models = node.get("models");
        if (models != null && !models.isNull()) {
            if (!models.isArray()) {
                throw new RouterValidationException(field + ".models", "must be an array of model ids");
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < models.size(); i++) {
                String name = models.get(i).asText("");
                String entryField = field + ".models[" + i + "]";
                ids.add(catalogId.apply(name).orElseThrow(
                        () -> new RouterValidationException(entryField, "unknown model '" + name + "'")));
            }
            policy.setModels(ids);
        }
        policy.setTtftTimeoutMs(Durations.parseMillis(first(node, "ttft_timeout", "ttftTimeout"), field + ".ttft_timeout"));
        policy.setTotalTimeoutMs(Durations.parseMillis(first(node, "total_timeout", "totalTimeout"), field + ".total_timeout"));
        policy.setHedgeAfterMs(Durations.parseMillis(first(node, "hedge_after", "hedgeAfter"), field + ".hedge_after"));
        JsonNode maxAttempts = first(node, "max_attempts", "maxAttempts");
        if (maxAttempts != null && !maxAttempts.isNull()) {
            if (!maxAttempts.canConvertToInt() || maxAttempts.asInt() < 1 || !maxAttempts.isIntegralNumber()) {
                throw new RouterValidationException(field + ".max_attempts", "must be a positive integer");
            }
            policy.setMaxAttempts(maxAttempts.asInt());
        }
        JsonNode midstream = first(node, "continue_midstream", "continueMidstream");
        if (midstream != null && !midstream.isNull()) {
            if (!midstream.isBoolean()) {
                throw new RouterValidationException(field + ".continue_midstream", "must be true or false");
            }
            policy.setContinueMidstream(midstream.asBoolean());
        }
        return policy;
    }

    /** {@code override}'s fields win where set; either may be null. Never returns null. */
    public static FallbackPolicy merge(FallbackPolicy base, FallbackPolicy override) {
        FallbackPolicy merged = base == null ? new FallbackPolicy() : FallbackPolicy.newBuilder(base).build();
        if (override != null) {
            if (override.getModels() != null) {
                merged.setModels(override.getModels());
            }
            if (override.getTtftTimeoutMs() != null) {
                merged.setTtftTimeoutMs(override.getTtftTimeoutMs());
            }
            if (override.getTotalTimeoutMs() != null) {
                merged.setTotalTimeoutMs(override.getTotalTimeoutMs());
            }
            if (override.getMaxAttempts() != null) {
                merged.setMaxAttempts(override.getMaxAttempts());
            }
            if (override.getHedgeAfterMs() != null) {
                merged.setHedgeAfterMs(override.getHedgeAfterMs());
            }
            if (override.getContinueMidstream() != null) {
                merged.setContinueMidstream(override.getContinueMidstream());
            }
        }
        return merged;
    }

    public static ObjectNode render(FallbackPolicy policy) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (policy.getModels() != null) {
            policy.getModels().forEach(node.putArray("models")::add);
        }
        putDuration(node, "ttft_timeout", policy.getTtftTimeoutMs());
        putDuration(node, "total_timeout", policy.getTotalTimeoutMs());
        putDuration(node, "hedge_after", policy.getHedgeAfterMs());
        if (policy.getMaxAttempts() != null) {
            node.put("max_attempts", policy.getMaxAttempts());
        }
        if (policy.getContinueMidstream() != null) {
            node.put("continue_midstream", policy.getContinueMidstream());
        }
        return node;
    }

    private static void putDuration(ObjectNode node, String name, Long millis) {
        if (millis != null) {
            node.put(name, Durations.format(millis));
        }
    }

    static JsonNode first(JsonNode node, String... names) {
        for (String name : names) {
            if (node.has(name)) {
                return node.get(name);
            }
        }
        return null;
    }
}
