package dev.switchyard.ingress.health;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.ingress.http.Json;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Named readiness checks: ingress's own (Kafka producer, reply partitions, router store) and whatever the launcher
 * registers for the other stages. {@code GET /health} is 200 only when every check is true, else 503 naming them all.
 */
public final class HealthChecks {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);

    private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();

    public synchronized void register(String name, BooleanSupplier check) {
        checks.put(name, check);
    }

    /** Each check's answer now; a check that throws counts as not ready. */
    public synchronized Map<String, Boolean> evaluate() {
        Map<String, Boolean> results = new LinkedHashMap<>();
        checks.forEach((name, check) -> {
            boolean ok;
            try {
                ok = check.getAsBoolean();
            } catch (RuntimeException e) {
                LOG.warn("health check {} failed: {}", name, e.toString());
                ok = false;
            }
            results.put(name, ok);
        });
        return results;
    }

    public boolean allReady() {
        return evaluate().values().stream().allMatch(Boolean::booleanValue);
    }

    public void handle(RoutingContext ctx) {
        Map<String, Boolean> results = evaluate();
        boolean ready = results.values().stream().allMatch(Boolean::booleanValue);
        ObjectNode body = Json.object().put("status", ready ? "ok" : "unavailable");
        ObjectNode items = body.putObject("checks");
        results.forEach(items::put);
        Json.send(ctx, ready ? 200 : 503, body);
    }
}
