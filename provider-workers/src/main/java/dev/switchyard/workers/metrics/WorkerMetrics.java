package dev.switchyard.workers.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The worker's meters: finished requests by status, attempts by provider and outcome, the providers' time to first
 * token, and requests in flight. Tags have bounded cardinality (provider ids, outcome and status vocabularies).
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

    public MeterRegistry registry() {
        return registry;
    }
}
