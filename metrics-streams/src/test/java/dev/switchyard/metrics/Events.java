package dev.switchyard.metrics;

import dev.switchyard.events.Attempt;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.Feedback;
import dev.switchyard.events.MetricDefinition;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;
import dev.switchyard.events.Usage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Completions and feedback as the other stages produce them. */
public final class Events {
    private Events() {
    }

    public static Completion.Builder completion(String requestId, String router, String route, String variant, String user,
                                                Instant receivedAt) {
        return Completion.newBuilder()
                .setRequestId(requestId).setReceivedAt(receivedAt).setCompletedAt(receivedAt.plusMillis(250))
                .setProtocol(ClientProtocol.OPENAI_CHAT).setStream(true)
                .setRequestedModel(router == null ? "openai/gpt-5.2" : "router/" + router)
                .setRouterId(router).setRouterVersion(router == null ? null : 1L).setRouteId(route).setVariantId(variant)
                .setUserId(user).setMetadata(Map.of("language", "es", "tier", "3"))
                .setModelId("openai/gpt-5.2").setProvider("openai")
                .setStatus(CompletionStatus.OK).setHttpStatus(200).setFinishReason("stop")
                .setAttempts(attempts(1, receivedAt))
                .setUsage(new Usage(100L, 20L, 0L, 0L, 0L)).setCostUsd(0.001).setTtftMs(120L).setLatencyMs(250);
    }

    public static List<Attempt> attempts(int n, Instant startedAt) {
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            attempts.add(Attempt.newBuilder().setAttempt(i).setAttemptId("w1-" + i).setModelId("openai/gpt-5.2")
                    .setProvider("openai").setStartedAt(startedAt).setOutcome(i == n ? "ok" : "error")
                    .setDurationMs(10).build());
        }
        return attempts;
    }

    public static Feedback byRequest(String requestId, String metric, double value, Instant at) {
        return Feedback.newBuilder().setFeedbackId(UUID.randomUUID().toString()).setRequestId(requestId)
                .setMetric(metric).setValue(value).setTimestamp(at).build();
    }

    public static Feedback byUser(String router, String user, String metric, double value, Instant at) {
        return Feedback.newBuilder().setFeedbackId(UUID.randomUUID().toString()).setRouterId(router).setUserId(user)
                .setMetric(metric).setValue(value).setTimestamp(at).build();
    }

    /** A router with one route "main" of variants a (control) and b, 50/50. */
    public static RouterConfig router(String id, MetricDefinition... metrics) {
        return router(id, "a", "b", metrics);
    }

    /** A router with one route "main" of two variants, 50/50; the first is the control. */
    public static RouterConfig router(String id, String control, String treatment, MetricDefinition... metrics) {
        Route route = new Route("main", null, List.of(new Variant(control, "openai/gpt-5.2", 50),
                new Variant(treatment, "anthropic/claude-haiku-4-5", 50)), List.of());
        Instant now = Instant.now();
        return RouterConfig.newBuilder().setId(id).setVersion(1).setRoutes(List.of(route)).setMetrics(List.of(metrics))
                .setCreatedAt(now).setUpdatedAt(now).build();
    }

    /** Linear interpolation between order statistics, as ClickHouse's {@code quantiles} does on small samples. */
    public static double quantile(List<Long> values, double q) {
        List<Long> sorted = values.stream().sorted().toList();
        double position = (sorted.size() - 1) * q;
        int lower = (int) Math.floor(position);
        int upper = Math.min(lower + 1, sorted.size() - 1);
        return sorted.get(lower) + (position - lower) * (sorted.get(upper) - sorted.get(lower));
    }
}
