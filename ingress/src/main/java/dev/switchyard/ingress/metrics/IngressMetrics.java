package dev.switchyard.ingress.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The ingress's own meters, one Prometheus registry per service instance (so two instances in one JVM, as in tests or
 * the launcher, do not mix their numbers): requests by endpoint and status, requests in flight, time to first token and
 * total latency as seen by the client.
 */
public final class IngressMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public IngressMetrics(Supplier<Number> inFlight) {
        registry.gauge("switchyard_ingress_in_flight_requests", java.util.List.of(), inFlight, s -> s.get().doubleValue());
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** One finished HTTP exchange; {@code status} is the HTTP status, or "client_closed" when the client left first. */
    public void request(String endpoint, String status) {
        Counter.builder("switchyard_ingress_requests")
                .description("HTTP requests answered, by endpoint and status")
                .tag("endpoint", endpoint)
                .tag("status", status)
                .register(registry)
                .increment();
    }

    public void timeToFirstToken(String endpoint, Duration ttft) {
        Timer.builder("switchyard_ingress_ttft")
                .description("Time from receiving a chat request to its first content chunk")
                .tag("endpoint", endpoint)
                .publishPercentileHistogram()
                .register(registry)
                .record(ttft);
    }

    public void latency(String endpoint, Duration latency) {
        Timer.builder("switchyard_ingress_latency")
                .description("Time from receiving a chat request to the end of its answer")
                .tag("endpoint", endpoint)
                .publishPercentileHistogram()
                .register(registry)
                .record(latency);
    }

    public String scrape() {
        return registry.scrape();
    }
}
