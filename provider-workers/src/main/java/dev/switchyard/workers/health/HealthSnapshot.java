package dev.switchyard.workers.health;

import dev.switchyard.events.BreakerState;

import java.time.Instant;

/**
 * One provider/model's health as this worker sees it now.
 *
 * @param openUntil       while the circuit is OPEN or HALF_OPEN: until when it is skipped (HALF_OPEN: the probe window)
 * @param retryAfterUntil the provider's Retry-After deadline, when it is still in the future
 * @param callable        whether a call would be let through now (a probe when the cool-down is over)
 */
public record HealthSnapshot(String modelId, BreakerState state, Instant openUntil, Instant retryAfterUntil,
                             int consecutiveFailures, String reason, boolean callable) {
}
