package dev.switchyard.workers;

import dev.switchyard.workers.providers.ProvidersConfig;

import java.time.Duration;
import java.util.UUID;

/**
 * Settings of one provider-worker instance.
 *
 * @param instanceId     unique per process start: it prefixes attempt ids and Kafka client ids
 * @param maxInFlight    requests worked on at once; llm.dispatch is paused at this many
 * @param consumerGroup  the workers' consumer group on llm.dispatch
 * @param providers      where provider endpoints and keys come from
 * @param connectTimeout TCP/TLS connect timeout to a provider (a failure fails over)
 * @param idleTimeout    a provider call fails when nothing arrives for this long (reasoning models think silently)
 * @param shutdownGrace  on close, how long running requests may finish before they are abandoned (redelivered)
 */
public record WorkerConfig(String instanceId, int maxInFlight, String consumerGroup, ProvidersConfig providers,
                           Duration connectTimeout, Duration idleTimeout, Duration shutdownGrace) {
    public static final String DEFAULT_GROUP = "switchyard-provider-workers";
    public static final int DEFAULT_MAX_IN_FLIGHT = 512;

    public WorkerConfig {
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("instanceId is required");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        consumerGroup = consumerGroup == null || consumerGroup.isBlank() ? DEFAULT_GROUP : consumerGroup;
        providers = providers == null ? new ProvidersConfig(null, null, null) : providers;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        idleTimeout = idleTimeout == null ? Duration.ofMinutes(5) : idleTimeout;
        shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(10) : shutdownGrace;
    }

    /** Defaults with a fresh instance id ({@code worker-<8 hex>}). */
    public static WorkerConfig defaults(ProvidersConfig providers) {
        return new WorkerConfig(newInstanceId(), DEFAULT_MAX_IN_FLIGHT, DEFAULT_GROUP, providers, null, null, null);
    }

    public static String newInstanceId() {
        return "worker-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public WorkerConfig withInstanceId(String id) {
        return new WorkerConfig(id, maxInFlight, consumerGroup, providers, connectTimeout, idleTimeout, shutdownGrace);
    }

    public WorkerConfig withMaxInFlight(int max) {
        return new WorkerConfig(instanceId, max, consumerGroup, providers, connectTimeout, idleTimeout, shutdownGrace);
    }

    public WorkerConfig withConsumerGroup(String group) {
        return new WorkerConfig(instanceId, maxInFlight, group, providers, connectTimeout, idleTimeout, shutdownGrace);
    }

    public WorkerConfig withIdleTimeout(Duration timeout) {
        return new WorkerConfig(instanceId, maxInFlight, consumerGroup, providers, connectTimeout, timeout, shutdownGrace);
    }

    public WorkerConfig withShutdownGrace(Duration grace) {
        return new WorkerConfig(instanceId, maxInFlight, consumerGroup, providers, connectTimeout, idleTimeout, grace);
    }
}
