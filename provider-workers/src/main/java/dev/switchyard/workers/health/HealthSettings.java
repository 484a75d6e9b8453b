package dev.switchyard.workers.health;

import java.time.Duration;

/**
 * When a provider/model's circuit opens and for how long.
 *
 * @param consecutiveFailures open after this many failures in a row (seen by this worker)
 * @param errorRate           ... or when at least this share of the calls in {@code window} failed
 * @param minCalls            ... counting only once the window holds at least this many calls
 * @param window              how far back the error rate looks
 * @param coolDown            how long an open circuit skips the model before one probe request is let through
 */
public record HealthSettings(int consecutiveFailures, double errorRate, int minCalls, Duration window, Duration coolDown) {
    public static final HealthSettings DEFAULTS = new HealthSettings(5, 0.5, 20, Duration.ofSeconds(60), Duration.ofSeconds(30));

    public HealthSettings {
        if (consecutiveFailures < 1 || minCalls < 1 || errorRate <= 0 || errorRate > 1) {
            throw new IllegalArgumentException("consecutiveFailures and minCalls must be >= 1, errorRate in (0, 1]");
        }
        window = window == null ? DEFAULTS.window() : window;
        coolDown = coolDown == null ? DEFAULTS.coolDown() : coolDown;
    }

    public HealthSettings withConsecutiveFailures(int n) {
        return new HealthSettings(n, errorRate, minCalls, window, coolDown);
    }

    public HealthSettings withCoolDown(Duration d) {
        return new HealthSettings(consecutiveFailures, errorRate, minCalls, window, d);
    }
}
