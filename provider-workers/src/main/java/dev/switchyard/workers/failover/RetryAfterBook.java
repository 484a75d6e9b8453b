package dev.switchyard.workers.failover;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Retry-After deadlines providers gave this worker, per provider/model: a candidate is skipped (not called) until
 * its deadline passes. In memory only; sharing it between workers through provider.health is a later step.
 */
public final class RetryAfterBook {
    private final Map<String, Instant> until = new ConcurrentHashMap<>();

    public void block(String modelId, Instant deadline) {
        until.merge(modelId, deadline, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** The instant {@code modelId} may be called again, if that is still in the future. */
    public Optional<Instant> blockedUntil(String modelId, Instant now) {
        Instant deadline = until.get(modelId);
        if (deadline == null) {
            return Optional.empty();
        }
        if (!deadline.isAfter(now)) {
            until.remove(modelId, deadline);
            return Optional.empty();
        }
        return Optional.of(deadline);
    }
}
