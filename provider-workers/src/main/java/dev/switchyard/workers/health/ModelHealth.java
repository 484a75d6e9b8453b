package dev.switchyard.workers.health;

import dev.switchyard.events.BreakerState;
import dev.switchyard.events.ProviderHealth;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * The circuit breaker and Retry-After state of one provider/model as one worker sees it: what it observed itself and
 * what other workers published on {@code provider.health}. Thread-safe (calls come from every event loop and from
 * the health consumer); the methods that change shared state return the record to publish, or null.
 *
 * <p>States: CLOSED (call it) → OPEN after {@code consecutiveFailures} failures in a row or an error rate over the
 * window → after the cool-down, HALF_OPEN: exactly one probe call goes through (per worker; the HALF_OPEN record tells
 * the other workers to keep skipping it meanwhile) → CLOSED when the probe gets a first token, OPEN again when it
 * fails. Independently, a Retry-After from the provider skips it until then.
 *
 * <p>How records are read back ({@link #adopt}): {@code CLOSED} with no {@code open_until} is a recovery (someone's
 * probe succeeded), {@code CLOSED} with an {@code open_until} is only a Retry-After, {@code OPEN}/{@code HALF_OPEN}
 * mean skip until {@code open_until}. A transition is adopted only when it was observed after this worker's own last
 * transition (records of one model are ordered in their partition, but this worker's own changes may be newer than a
 * record it has not consumed yet). Workers publish transitions and Retry-Afters, not every call: the topic stays small.
 */
final class ModelHealth {
    /** Bounds the memory of the error-rate window whatever the traffic. */
    private static final int MAX_WINDOW_ENTRIES = 2048;

    private final String modelId;
    private BreakerState state = BreakerState.CLOSED;
    private Instant openUntil;
    private Instant retryAfterUntil;
    private String reason;
    private int consecutiveFailures;
    private boolean probeInFlight;
    private Instant lastTransitionAt = Instant.EPOCH;
    private String observedBy;
    private Instant observedAt;
    /** Calls in the window: epoch millis, negative for failures. */
    private final ArrayDeque<Long> window = new ArrayDeque<>();

    ModelHealth(String modelId) {
        this.modelId = modelId;
    }

    String modelId() {
        return modelId;
    }

    synchronized Admission admit(Instant now, HealthSettings settings, String self) {
        if (retryAfterUntil != null && retryAfterUntil.isAfter(now)) {
            return new Admission(Admission.Kind.RETRY_AFTER, retryAfterUntil, reason);
        }
        switch (state) {
            case CLOSED:
                return Admission.ALLOWED;
            case OPEN:
                if (openUntil != null && openUntil.isAfter(now)) {
                    return new Admission(Admission.Kind.CIRCUIT_OPEN, openUntil, reason);
                }
                return startProbe(now, settings, self);
            default: // HALF_OPEN
                if (probeInFlight) {
                    return new Admission(Admission.Kind.CIRCUIT_OPEN, openUntil, "another request is probing it");
                }
                return startProbe(now, settings, self);
        }
    }

    /** Without claiming a probe: would {@link #admit} let a call through now? */
    synchronized boolean callable(Instant now) {
        if (retryAfterUntil != null && retryAfterUntil.isAfter(now)) {
            return false;
        }
        return switch (state) {
            case CLOSED -> true;
            case OPEN -> openUntil == null || !openUntil.isAfter(now);
            default -> !probeInFlight; // HALF_OPEN is always this worker's own probe (adopted ones count as OPEN)
        };
    }

    private Admission startProbe(Instant now, HealthSettings settings, String self) {
        probeInFlight = true;
        state = BreakerState.HALF_OPEN;
        // Other workers skip it while this probe runs (at most a cool-down: then they may probe themselves).
        openUntil = now.plus(settings.coolDown());
        pendingPublish = record(self, now, "probing with one request after the cool-down");
        lastTransitionAt = now;
        return Admission.PROBE_ONE;
    }

    /** Set by {@link #admit} when it started a probe: the HALF_OPEN record to publish. */
    private ProviderHealth pendingPublish;

    synchronized ProviderHealth takePendingPublish() {
        ProviderHealth p = pendingPublish;
        pendingPublish = null;
        return p;
    }

    /** A call got its first token. A probe's success closes the circuit. */
    synchronized ProviderHealth success(Instant now, boolean probe, HealthSettings settings, String self) {
        remember(now, false, settings);
        consecutiveFailures = 0;
        if (probe) {
            probeInFlight = false;
        }
        if (probe && state != BreakerState.CLOSED) {
            state = BreakerState.CLOSED;
            openUntil = null;
            window.clear();
            lastTransitionAt = now;
            return record(self, now, "a probe request succeeded");
        }
        return null; // successes of calls started before the circuit opened don't close it: only a probe does
    }

    /** A call failed in a way that says the provider is unwell (5xx, connection, timeout, broken stream). */
    synchronized ProviderHealth failure(Instant now, boolean probe, String why, HealthSettings settings, String self) {
        remember(now, true, settings);
        consecutiveFailures++;
        if (probe) {
            probeInFlight = false;
            return open(now, settings, self, "the probe request failed: " + why);
        }
        if (state != BreakerState.CLOSED) {
            return null; // calls started before the circuit opened; it is already open
        }
        if (consecutiveFailures >= settings.consecutiveFailures()) {
            return open(now, settings, self, consecutiveFailures + " consecutive failures, the last: " + why);
        }
        long calls = window.size();
        long failures = window.stream().filter(t -> t < 0).count();
        if (calls >= settings.minCalls() && failures >= settings.errorRate() * calls) {
            return open(now, settings, self, String.format("%d of the last %d calls failed within %ds, the last: %s",
                    failures, calls, settings.window().toSeconds(), why));
        }
        return null;
    }

    /** A probe call ended without telling anything (cancelled, cut by a deadline, lost a hedge): let another one go. */
    synchronized void abandoned(boolean probe) {
        if (probe) {
            probeInFlight = false;
        }
    }

    /** The provider said to come back at {@code until} (429/503 with Retry-After). */
    synchronized ProviderHealth retryAfter(Instant now, Instant until, String why, String self) {
        if (retryAfterUntil != null && !until.isAfter(retryAfterUntil)) {
            return null;
        }
        retryAfterUntil = until;
        reason = why;
        return record(self, now, why);
    }

    private ProviderHealth open(Instant now, HealthSettings settings, String self, String why) {
        state = BreakerState.OPEN;
        openUntil = now.plus(settings.coolDown());
        lastTransitionAt = now;
        window.clear();
        return record(self, now, why);
    }

    /** A record from {@code provider.health}; this worker's own records are already applied. */
    synchronized void adopt(ProviderHealth record, String self) {
        if (record.getObservedBy().equals(self)) {
            return;
        }
        Instant at = record.getObservedAt();
        Instant until = record.getOpenUntil();
        if (record.getState() == BreakerState.CLOSED && until != null) {
            if (retryAfterUntil == null || until.isAfter(retryAfterUntil)) {
                retryAfterUntil = until;
                reason = record.getReason();
                observedBy = record.getObservedBy();
                observedAt = at;
            }
            return;
        }
        if (!at.isAfter(lastTransitionAt)) {
            return; // older than what this worker itself decided since
        }
        lastTransitionAt = at;
        observedBy = record.getObservedBy();
        observedAt = at;
        reason = record.getReason();
        consecutiveFailures = record.getConsecutiveFailures();
        if (record.getState() == BreakerState.CLOSED) {
            state = BreakerState.CLOSED;
            openUntil = null;
            window.clear();
            consecutiveFailures = 0;
        } else {
            // OPEN, or HALF_OPEN (another worker probes it): skip until open_until, then probe ourselves if nobody
            // closed it meanwhile. A HALF_OPEN record counts as OPEN here: our own probe is ours to start.
            state = BreakerState.OPEN;
            openUntil = until;
        }
    }

    synchronized HealthSnapshot snapshot(Instant now) {
        boolean retry = retryAfterUntil != null && retryAfterUntil.isAfter(now);
        return new HealthSnapshot(modelId, state, state == BreakerState.CLOSED ? null : openUntil,
                retry ? retryAfterUntil : null, consecutiveFailures, reason, callable(now));
    }

    private ProviderHealth record(String self, Instant now, String why) {
        reason = why;
        observedBy = self;
        observedAt = now;
        Instant until = state == BreakerState.CLOSED ? null : openUntil;
        if (retryAfterUntil != null && retryAfterUntil.isAfter(now) && (until == null || retryAfterUntil.isAfter(until))) {
            until = retryAfterUntil;
        }
        return ProviderHealth.newBuilder()
                .setModelId(modelId)
                .setState(state)
                .setOpenUntil(until)
                .setConsecutiveFailures(consecutiveFailures)
                .setReason(why)
                .setObservedBy(self)
                .setObservedAt(now)
                .build();
    }

    private void remember(Instant now, boolean failed, HealthSettings settings) {
        long cutoff = now.minus(settings.window()).toEpochMilli();
        while (!window.isEmpty() && Math.abs(window.peekFirst()) < cutoff) {
            window.pollFirst();
        }
        if (window.size() >= MAX_WINDOW_ENTRIES) {
            window.pollFirst();
        }
        long t = Math.max(1, now.toEpochMilli());
        window.addLast(failed ? -t : t);
    }

    static Duration remaining(Instant until, Instant now) {
        return until == null || !until.isAfter(now) ? Duration.ZERO : Duration.between(now, until);
    }
}
