package dev.switchyard.workers.health;

import dev.switchyard.events.BreakerState;
import dev.switchyard.events.ProviderHealth;
import dev.switchyard.workers.metrics.WorkerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * This worker's view of every provider/model's health: one circuit breaker per provider/model plus the Retry-After
 * deadlines providers gave, merged with what the other workers published on {@code provider.health} (see
 * {@link ModelHealth} for the rules). The failover logic asks it before each call ({@link #admit}) and reports each
 * call's outcome; state changes are published through the given sink and exported as meters. Thread-safe.
 */
public final class HealthBook {
    private static final Logger LOG = LoggerFactory.getLogger(HealthBook.class);

    private final String self;
    private final HealthSettings settings;
    private final Clock clock;
    private final Consumer<ProviderHealth> publish;
    private final WorkerMetrics metrics;
    private final Map<String, ModelHealth> models = new ConcurrentHashMap<>();

    /**
     * @param self    this worker's instance id ({@code observed_by} of what it publishes)
     * @param publish where state changes go (the provider.health producer; a no-op in unit tests)
     */
    public HealthBook(String self, HealthSettings settings, Clock clock, Consumer<ProviderHealth> publish, WorkerMetrics metrics) {
        this.self = self;
        this.settings = settings;
        this.clock = clock;
        this.publish = publish;
        this.metrics = metrics;
    }

    /** A book that publishes nothing (tests, or a worker on its own). */
    public static HealthBook local(String self, HealthSettings settings, Clock clock, WorkerMetrics metrics) {
        return new HealthBook(self, settings, clock, record -> { }, metrics);
    }

    public HealthSettings settings() {
        return settings;
    }

    /** May {@code modelId} be called now? A PROBE admission must be followed by its outcome (or {@link #abandoned}). */
    public Admission admit(String modelId) {
        ModelHealth health = of(modelId);
        Admission admission = health.admit(clock.instant(), settings, self);
        if (admission.probe()) {
            emit(health.takePendingPublish());
        }
        return admission;
    }

    /** Whether {@link #admit} would let a call through now, without claiming a probe. */
    public boolean callable(String modelId) {
        ModelHealth health = models.get(modelId);
        return health == null || health.callable(clock.instant());
    }

    /** A call to {@code modelId} got its first token (the provider works). */
    public void success(String modelId, boolean probe) {
        emit(of(modelId).success(clock.instant(), probe, settings, self));
    }

    /** A call failed in a way that counts against the provider (see {@code FailoverPolicy.countsAgainstProvider}). */
    public void failure(String modelId, boolean probe, String why) {
        emit(of(modelId).failure(clock.instant(), probe, why, settings, self));
    }

    /** A call ended without a verdict on the provider (client error, cancelled, TTFT cut, hedge lost). */
    public void abandoned(String modelId, boolean probe) {
        if (probe) {
            of(modelId).abandoned(true);
        }
    }

    /** The provider asked to wait until {@code until} (429/503 with Retry-After). */
    public void retryAfter(String modelId, Instant until, String why) {
        emit(of(modelId).retryAfter(clock.instant(), until, why, self));
    }

    /** A record consumed from {@code provider.health} (any worker's, this one's included). */
    public void apply(ProviderHealth record) {
        if (record == null || record.getModelId() == null) {
            return;
        }
        ModelHealth health = of(record.getModelId());
        health.adopt(record, self);
        if (!record.getObservedBy().equals(self)) {
            LOG.debug("{}: {} reported by {} ({})", record.getModelId(), record.getState(), record.getObservedBy(), record.getReason());
        }
    }

    /** Every provider/model this worker has seen, for metrics and tests. */
    public List<HealthSnapshot> snapshot() {
        Instant now = clock.instant();
        List<HealthSnapshot> list = new ArrayList<>();
        for (ModelHealth health : models.values()) {
            list.add(health.snapshot(now));
        }
        list.sort(Comparator.comparing(HealthSnapshot::modelId));
        return list;
    }

    /** The state of one provider/model now: CLOSED when never seen. */
    public BreakerState state(String modelId) {
        ModelHealth health = models.get(modelId);
        return health == null ? BreakerState.CLOSED : health.snapshot(clock.instant()).state();
    }

    private ModelHealth of(String modelId) {
        return models.computeIfAbsent(modelId, id -> {
            ModelHealth health = new ModelHealth(id);
            if (metrics != null) {
                metrics.providerHealth(id, () -> health.snapshot(clock.instant()));
            }
            return health;
        });
    }

    private void emit(ProviderHealth record) {
        if (record == null) {
            return;
        }
        if (record.getState() != BreakerState.CLOSED || record.getOpenUntil() == null) { // a transition, not a Retry-After
            if (record.getState() == BreakerState.OPEN) {
                LOG.warn("{}: circuit OPEN until {} ({})", record.getModelId(), record.getOpenUntil(), record.getReason());
            } else {
                LOG.info("{}: circuit {} ({})", record.getModelId(), record.getState(), record.getReason());
            }
            if (metrics != null) {
                metrics.breakerTransition(record.getModelId(), record.getState().name());
            }
        }
        try {
            publish.accept(record);
        } catch (RuntimeException e) {
            LOG.warn("cannot publish the health of {}: {}", record.getModelId(), e.toString());
        }
    }
}
