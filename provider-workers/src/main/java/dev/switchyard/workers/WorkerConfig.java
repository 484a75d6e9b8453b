package dev.switchyard.workers;

import dev.switchyard.workers.health.HealthSettings;
import dev.switchyard.workers.providers.ProvidersConfig;
import dev.switchyard.workers.replies.Coalescing;

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
 * @param health         when a provider/model's circuit opens and for how long
 * @param sessionTimeout how long the group waits for a worker that stopped answering (crashed, frozen) before its
 *                       dispatches go to another worker; the requests it held wait that long (default 10 s)
 * @param replyCoalescing the least time between two reply records of a streaming answer (default 5 ms; zero sends
 *                       every provider delta as its own record), see {@link dev.switchyard.workers.replies.Coalescing}
 * @param replyHold      how long a reply record after an attempt's first may wait for records of other requests to
 *                       share its produce request (default zero: each at once; 2 ms cuts CPU at moderate rates), see
 *                       {@link dev.switchyard.workers.replies.KafkaSender}
 */
public record WorkerConfig(String instanceId, int maxInFlight, String consumerGroup, ProvidersConfig providers,
                           Duration connectTimeout, Duration idleTimeout, Duration shutdownGrace, HealthSettings health,
                           Duration sessionTimeout, Duration replyCoalescing, Duration replyHold) {
    public static final String DEFAULT_GROUP = "switchyard-provider-workers";
    public static final int DEFAULT_MAX_IN_FLIGHT = 512;
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** Off: at saturation the hold saves little and its waits showed in the tails (benchmark README, sixth pass). */
    public static final Duration DEFAULT_REPLY_HOLD = Duration.ZERO;

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
        health = health == null ? HealthSettings.DEFAULTS : health;
        sessionTimeout = sessionTimeout == null ? DEFAULT_SESSION_TIMEOUT : sessionTimeout;
        replyCoalescing = replyCoalescing == null ? Duration.ofMillis(Coalescing.DEFAULT_WINDOW_MS) : replyCoalescing;
        replyHold = replyHold == null ? DEFAULT_REPLY_HOLD : replyHold;
        if (replyHold.isNegative()) {
            throw new IllegalArgumentException("replyHold must not be negative");
        }
    }

    public WorkerConfig(String instanceId, int maxInFlight, String consumerGroup, ProvidersConfig providers,
                        Duration connectTimeout, Duration idleTimeout, Duration shutdownGrace) {
        this(instanceId, maxInFlight, consumerGroup, providers, connectTimeout, idleTimeout, shutdownGrace, null, null, null, null);
    }

    /** Defaults with a fresh instance id ({@code worker-<8 hex>}). */
    public static WorkerConfig defaults(ProvidersConfig providers) {
        return new WorkerConfig(newInstanceId(), DEFAULT_MAX_IN_FLIGHT, DEFAULT_GROUP, providers, null, null, null, null, null, null, null);
    }

    public static String newInstanceId() {
        return "worker-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public WorkerConfig withInstanceId(String id) {
        return new WorkerConfig(id, maxInFlight, consumerGroup, providers, connectTimeout, idleTimeout, shutdownGrace, health, sessionTimeout, replyCoalescing, replyHold);
    }

    public WorkerConfig withMaxInFlight(int max) {
        return new WorkerConfig(instanceId, max, consumerGroup, providers, connectTimeout, idleTimeout, shutdownGrace, health, sessionTimeout, replyCoalescing, replyHold);
    }

    public WorkerConfig withConsumerGroup(String group) {
        return new WorkerConfig(instanceId, maxInFlight, group, providers, connectTimeout, idleTimeout, shutdownGrace, health, sessionTimeout, replyCoalescing, replyHold);
    }

    public WorkerConfig withIdleTimeout(Duration timeout) {
        return new WorkerConfig(instanceId, maxInFlight, consumerGroup, providers, connectTimeout, timeout, shutdownGrace, health, sessionTimeout, replyCoalescing, replyHold);
    }

    public WorkerConfig withShutdownGrace(Duration grace) {
        return new WorkerConfig(instanceId, maxInFlight, consumerGroup, providers, connectTimeout, idleTimeout, grace, health, sessionTimeout, replyCoalescing, replyHold);
    }

    public WorkerConfig withHealth(HealthSettings settings) {
        return new WorkerConfig(instanceId, maxInFlight, consumerGroup, providers, connectTimeout, idleTimeout, shutdownGrace, settings, sessionTimeout, replyCoalescing, replyHold);
    }

    public WorkerConfig withReplyCoalescing(Duration window) {
        return new WorkerConfig(instanceId, maxInFlight, consumerGroup, providers, connectTimeout, idleTimeout, shutdownGrace, health, sessionTimeout, window, replyHold);
    }

    public WorkerConfig withReplyHold(Duration hold) {
        return new WorkerConfig(instanceId, maxInFlight, consumerGroup, providers, connectTimeout, idleTimeout, shutdownGrace, health, sessionTimeout, replyCoalescing, hold);
    }

    public WorkerConfig withSessionTimeout(Duration timeout) {
        return new WorkerConfig(instanceId, maxInFlight, consumerGroup, providers, connectTimeout, idleTimeout, shutdownGrace, health, timeout, replyCoalescing, replyHold);
    }
}
