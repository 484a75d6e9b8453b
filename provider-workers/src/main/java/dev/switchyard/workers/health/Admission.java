package dev.switchyard.workers.health;

import java.time.Instant;

/**
 * Whether a provider/model may be called now. {@link Kind#PROBE} is a call let through a circuit whose cool-down is
 * over: the caller must report its outcome ({@link HealthBook#success}/{@link HealthBook#failure}) or give it up
 * ({@link HealthBook#abandoned}), else no other probe is let through by this worker.
 */
public record Admission(Kind kind, Instant until, String reason) {
    public enum Kind {
        /** Call it. */
        ALLOW,
        /** Call it: the one probe request of a half-open circuit. */
        PROBE,
        /** The provider asked us to wait (Retry-After): skip until {@code until}. */
        RETRY_AFTER,
        /** The circuit is open (or another probe is running): skip until {@code until}. */
        CIRCUIT_OPEN
    }

    static final Admission ALLOWED = new Admission(Kind.ALLOW, null, null);
    static final Admission PROBE_ONE = new Admission(Kind.PROBE, null, null);

    public boolean allowed() {
        return kind == Kind.ALLOW || kind == Kind.PROBE;
    }

    public boolean probe() {
        return kind == Kind.PROBE;
    }
}
