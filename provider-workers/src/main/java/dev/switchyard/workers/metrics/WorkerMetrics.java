package dev.switchyard.workers.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.switchyard.workers.health.HealthSnapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The worker's meters: finished requests by status, attempts by provider and outcome, the providers' time to first
 * token, requests in flight, hedges, and each provider/model's circuit state. Tags have bounded cardinality (provider
 * ids, catalog model ids, outcome and status vocabularies).
 */
public final class WorkerMetrics {
    private final MeterRegistry registry;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void requestFinished(String status) {
        Counter.builder("switchyard.worker.requests").description("Requests finished by this worker")
                .tag("status", status).register(registry).increment();
    }

    public void attemptFinished(String provider, String outcome) {
        Counter.builder("switchyard.worker.attempts").description("Provider attempts by outcome")
                .tag("provider", provider).tag("outcome", outcome).register(registry).increment();
    }

    /** A CANCEL arrived: {@code when} is "in_flight", "before_dispatch" (remembered) or "unknown" (not kept). */
    public void cancelReceived(String when) {
        Counter.builder("switchyard.worker.cancels").description("CANCEL records acted on")
                .tag("when", when).register(registry).increment();
    }

    public void upstreamTtft(String provider, Duration ttft) {
        Timer.builder("switchyard.worker.upstream.ttft").description("From the provider call to its first content delta")
                .tag("provider", provider).register(registry).record(ttft);
    }

    public void inFlight(Supplier<Number> inFlight) {
        Gauge.builder("switchyard.worker.in_flight", inFlight).description("Dispatched requests being worked on")
                .register(registry);
    }

    /** A hedge (second parallel attempt) was started, won (answered first) or lost (cancelled). */
    public void hedge(String event) {
        Counter.builder("switchyard.worker.hedges").description("Hedged attempts: started, won, lost")
                .tag("event", event).register(registry).increment();
    }

    /** A circuit changed state (OPEN, HALF_OPEN, CLOSED) on this worker's observation. */
    public void breakerTransition(String modelId, String state) {
        Counter.builder("switchyard.worker.breaker.transitions").description("Circuit breaker transitions observed here")
                .tag("model", modelId).tag("state", state).register(registry).increment();
    }

    /**
     * Gauges of one provider/model's health as this worker sees it (its own observations and the other workers' on
     * provider.health): {@code switchyard.worker.breaker.state} 0 closed, 1 half-open, 2 open;
     * {@code switchyard.worker.provider.available} 1 when a call would be let through now, else 0;
     * {@code switchyard.worker.provider.retry_after.seconds} the provider's Retry-After still to wait.
     */
    public void providerHealth(String modelId, Supplier<HealthSnapshot> snapshot) {
        String provider = modelId.contains("/") ? modelId.substring(0, modelId.indexOf('/')) : modelId;
        Gauge.builder("switchyard.worker.breaker.state", () -> switch (snapshot.get().state()) {
                    case CLOSED -> 0;
                    case HALF_OPEN -> 1;
                    case OPEN -> 2;
                }).description("Circuit state per provider/model: 0 closed, 1 half-open, 2 open")
                .tag("model", modelId).tag("provider", provider).register(registry);
        Gauge.builder("switchyard.worker.provider.available", () -> snapshot.get().callable() ? 1 : 0)
                .description("1 when calls to the provider/model are let through now (not open, no Retry-After)")
                .tag("model", modelId).tag("provider", provider).register(registry);
        Gauge.builder("switchyard.worker.provider.retry_after.seconds", () -> {
                    Instant until = snapshot.get().retryAfterUntil();
                    return until == null ? 0 : Math.max(0, Duration.between(Instant.now(), until).toMillis() / 1000.0);
                }).description("Retry-After the provider asked for, still to wait")
                .tag("model", modelId).tag("provider", provider).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }
}
