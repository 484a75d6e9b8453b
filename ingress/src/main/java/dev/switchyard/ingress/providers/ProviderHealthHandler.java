package dev.switchyard.ingress.providers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.ProviderHealth;
import dev.switchyard.ingress.http.Json;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /router/v1/providers/health[?model=<provider/model>]}: each provider/model's circuit and Retry-After
 * state as the provider workers last reported it on {@code provider.health}. A model no worker reported on is healthy
 * as far as anyone knows and is not listed.
 *
 * <pre>
 * {"providers": [{"model_id": "openai/gpt-5.2", "provider": "openai", "state": "open", "available": false,
 *   "open_until": "2026-...Z", "retry_after_seconds": 27, "skipped_because": "circuit_open",
 *   "consecutive_failures": 5, "reason": "...",
 *   "observed_by": "worker-1a2b3c4d", "observed_at": "2026-...Z"}]}
 * </pre>
 * {@code state} is the circuit (closed, open, half_open); {@code available} is false while workers skip the model
 * (circuit open, a probe running, or the provider's Retry-After: {@code skipped_because} circuit_open, probing,
 * retry_after), and {@code retry_after_seconds} then says for how much longer. An open circuit whose cool-down has passed is available: the next request probes it.
 */
public final class ProviderHealthHandler {
    private final ProviderHealthView view;
    private final Clock clock;

    public ProviderHealthHandler(ProviderHealthView view, Clock clock) {
        this.view = view;
        this.clock = clock;
    }

    public void handle(RoutingContext ctx) {
        String model = ctx.request().getParam("model");
        Instant now = clock.instant();
        List<ProviderHealth> records = view.all().stream()
                .filter(r -> model == null || model.isBlank() || r.getModelId().equals(model))
                .sorted(Comparator.comparing(ProviderHealth::getModelId))
                .toList();
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("providers");
        for (ProviderHealth r : records) {
            list.add(render(r, now));
        }
        Json.send(ctx, 200, body);
    }

    static ObjectNode render(ProviderHealth r, Instant now) {
        String id = r.getModelId();
        Instant until = r.getOpenUntil();
        boolean skipped = until != null && until.isAfter(now);
        ObjectNode item = Json.object()
                .put("model_id", id)
                .put("provider", id.contains("/") ? id.substring(0, id.indexOf('/')) : id)
                .put("state", r.getState().name().toLowerCase(Locale.ROOT))
                .put("available", !skipped);
        item.put("open_until", until == null ? null : until.toString());
        if (skipped) {
            long millis = Duration.between(now, until).toMillis();
            item.put("retry_after_seconds", (millis + 999) / 1000);
            item.put("skipped_because", switch (r.getState()) {
                case CLOSED -> "retry_after"; // the provider's Retry-After, the circuit itself is closed
                case HALF_OPEN -> "probing";
                case OPEN -> "circuit_open";
            });
        }
        item.put("consecutive_failures", r.getConsecutiveFailures());
        item.put("reason", r.getReason());
        item.put("observed_by", r.getObservedBy());
        item.put("observed_at", r.getObservedAt().toString());
        return item;
    }
}
