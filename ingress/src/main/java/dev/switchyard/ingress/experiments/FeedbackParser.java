package dev.switchyard.ingress.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.Feedback;
import dev.switchyard.events.MetricDefinition;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns a {@code POST /v1/feedback} body into the {@link Feedback} event and its {@code llm.feedback} key, or refuses
 * it with a 400 in OpenAI's vocabulary. Body: {@code {request_id | user, router?, metric, value, timestamp?}}.
 *
 * <ul>
 *   <li>{@code request_id} (the {@code x-switchyard-request-id} of the chat answer) attributes the outcome to that
 *       request; else {@code user} with {@code router} attributes it to the variant the user is assigned to. The key
 *       is the request id, else {@code <router>|<user>}.</li>
 *   <li>{@code metric} must be declared on the router ({@code metrics: [{name, kind, direction}]}). Without
 *       {@code router} (request id only) some router must declare it, with a kind the value fits. A retention metric
 *       is computed from the request log and takes no feedback.</li>
 *   <li>{@code value}: a boolean metric takes {@code true}/{@code false}/{@code 0}/{@code 1} (stored as 1.0/0.0), a
 *       float metric any finite number.</li>
 *   <li>{@code timestamp} (when the outcome happened): an ISO-8601 time or Unix seconds; default now.</li>
 * </ul>
 * Unknown fields are refused, so a typo never silently drops information.
 */
public final class FeedbackParser {
    static final Set<String> FIELDS = Set.of("request_id", "user", "user_id", "router", "router_id", "metric", "value", "timestamp");

    /** A validated feedback event and the key it is produced with. */
    public record Parsed(String key, Feedback feedback) {
    }

    private final Function<String, Optional<RouterConfig>> routers;
    private final Supplier<Collection<RouterConfig>> allRouters;

    /**
     * @param routers    a router by id (the router store)
     * @param allRouters every current router (to validate feedback that names only a request)
     */
    public FeedbackParser(Function<String, Optional<RouterConfig>> routers, Supplier<Collection<RouterConfig>> allRouters) {
        this.routers = routers;
        this.allRouters = allRouters;
    }

    public Parsed parse(JsonNode body, Instant now) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid(null, "invalid_type", "The request body must be a JSON object, not " + Json.describe(body) + ".");
        }
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw ApiException.invalid(field, "unknown_parameter", "Unrecognized request argument supplied: " + field
                        + " (feedback takes request_id, user, router, metric, value, timestamp).");
            }
        }
        String requestId = text(body, "request_id");
        String user = text(body, "user", "user_id");
        String routerId = routerId(text(body, "router", "router_id"));
        String metric = text(body, "metric");
        if (metric == null) {
            throw ApiException.invalid("metric", "missing_required_parameter", "Missing required parameter: 'metric'.");
        }
        if (requestId == null && user == null) {
            throw ApiException.invalid("request_id", "missing_required_parameter",
                    "Name what the outcome belongs to: 'request_id' (the x-switchyard-request-id of the answer), or 'user' with 'router'.");
        }
        if (requestId == null && routerId == null) {
            throw ApiException.invalid("router", "missing_required_parameter",
                    "Feedback by 'user' needs 'router': a user's variant is per router.");
        }
        JsonNode value = body.get("value");
        if (value == null || value.isNull()) {
            throw ApiException.invalid("value", "missing_required_parameter", "Missing required parameter: 'value'.");
        }

        double number;
        if (routerId != null) {
            RouterConfig router = routers.apply(routerId).orElseThrow(() -> new ApiException(404, "not_found_error", "router",
                    "router_not_found", "router '" + routerId + "' not found"));
            MetricDefinition definition = router.getMetrics().stream().filter(m -> m.getName().equals(metric)).findFirst()
                    .orElseThrow(() -> ApiException.invalid("metric", "unknown_metric", "Router '" + routerId
                            + "' declares no metric '" + metric + "'" + declared(router.getMetrics()) + "."));
            number = value(definition, value);
        } else {
            number = valueForAnyRouter(metric, value);
        }
        Instant timestamp = timestamp(body.get("timestamp"), now);
        Feedback feedback = Feedback.newBuilder()
                .setFeedbackId("fb_" + UUID.randomUUID())
                .setRequestId(requestId)
                .setRouterId(routerId)
                .setUserId(user)
                .setMetric(metric)
                .setValue(number)
                .setTimestamp(timestamp)
                .build();
        return new Parsed(requestId != null ? requestId : routerId + "|" + user, feedback);
    }

    /** Without a router, the metric must be declared somewhere, by a router whose kind the value fits. */
    private double valueForAnyRouter(String metric, JsonNode value) {
        List<MetricDefinition> definitions = new ArrayList<>();
        for (RouterConfig router : allRouters.get()) {
            router.getMetrics().stream().filter(m -> m.getName().equals(metric)).forEach(definitions::add);
        }
        if (definitions.isEmpty()) {
            throw ApiException.invalid("metric", "unknown_metric", "No router declares a metric '" + metric
                    + "'. Declare it on the router (metrics: [{name, kind, direction}]) and name the router in 'router'.");
        }
        ApiException first = null;
        for (MetricDefinition definition : definitions) {
            try {
                return value(definition, value);
            } catch (ApiException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    private static double value(MetricDefinition definition, JsonNode value) {
        String name = definition.getName();
        return switch (definition.getKind()) {
            case BOOLEAN -> {
                if (value.isBoolean()) {
                    yield value.booleanValue() ? 1.0 : 0.0;
                }
                if (value.isNumber() && (value.doubleValue() == 0.0 || value.doubleValue() == 1.0)) {
                    yield value.doubleValue();
                }
                throw ApiException.invalid("value", "invalid_value", "Metric '" + name
                        + "' is boolean: 'value' must be true, false, 0 or 1, not " + describe(value) + ".");
            }
            case FLOAT -> {
                if (value.isNumber() && Double.isFinite(value.doubleValue())) {
                    yield value.doubleValue();
                }
                throw ApiException.invalid("value", "invalid_value", "Metric '" + name
                        + "' is a float: 'value' must be a number, not " + describe(value) + ".");
            }
            case RETENTION -> throw ApiException.invalid("metric", "computed_metric", "Metric '" + name
                    + "' is a retention metric: it is computed from the request log, so it takes no feedback.");
        };
    }

    private static String describe(JsonNode value) {
        return value.isValueNode() && !value.isTextual() ? value.toString() : Json.describe(value);
    }

    private static Instant timestamp(JsonNode node, Instant now) {
        if (node == null || node.isNull()) {
            return now;
        }
        try {
            if (node.isNumber()) {
                double seconds = node.doubleValue();
                if (!Double.isFinite(seconds) || seconds < 0 || seconds > 32_503_680_000d) { // year 3000
                    throw new DateTimeException("out of range");
                }
                return Instant.ofEpochMilli(Math.round(seconds * 1000));
            }
            if (node.isTextual()) {
                return OffsetDateTime.parse(node.asText()).toInstant();
            }
        } catch (DateTimeException e) {
            // answered below
        }
        throw ApiException.invalid("timestamp", "invalid_value",
                "'timestamp' must be an ISO-8601 time (2026-11-24T10:15:00Z) or Unix seconds, not " + describe(node) + ".");
    }

    /** Accepts the router as {@code id}, {@code router/<id>}, {@code inworld/<id>} or {@code routers/<id>}. */
    private static String routerId(String value) {
        if (value == null) {
            return null;
        }
        for (String prefix : List.of("router/", "inworld/", "routers/")) {
            if (value.startsWith(prefix)) {
                return value.substring(prefix.length());
            }
        }
        return value;
    }

    private static String text(JsonNode body, String... names) {
        for (String name : names) {
            JsonNode node = body.get(name);
            if (node == null || node.isNull()) {
                continue;
            }
            if (!node.isTextual()) {
                throw ApiException.invalidType(name, "a string", Json.describe(node));
            }
            String value = node.asText().trim();
            if (value.isEmpty()) {
                throw ApiException.invalid(name, "invalid_value", "'" + name + "' must not be empty.");
            }
            return value;
        }
        return null;
    }

    private static String declared(List<MetricDefinition> metrics) {
        if (metrics.isEmpty()) {
            return " (it declares none: add metrics: [{name, kind, direction}] to the router)";
        }
        List<String> names = new ArrayList<>();
        metrics.forEach(m -> names.add(m.getName() + " (" + m.getKind().name().toLowerCase(Locale.ROOT) + ")"));
        return " (declared: " + String.join(", ", names) + ")";
    }
}
