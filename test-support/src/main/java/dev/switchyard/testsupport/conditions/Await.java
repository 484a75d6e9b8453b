package dev.switchyard.testsupport.conditions;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition instead of sleeping (state no callback announces: committed offsets, a circuit's state, a
 * thread's progress), within a generous bound, and fails the test naming what did not happen.
 */
public final class Await {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    private Await() {
    }

    /** Returns once {@code condition} holds; fails the test after 20 s. */
    public static void until(BooleanSupplier condition) {
        until(DEFAULT_TIMEOUT, condition::getAsBoolean, held -> held, "the condition");
    }

    /** Returns the first value of {@code probe} that meets {@code condition}; fails the test after {@code timeout}. */
    public static <T> T until(Duration timeout, Supplier<T> probe, Predicate<T> condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!condition.test(value)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what + " (last value: " + value + ")");
            }
            // Often enough for in-memory state, rarely enough for probes that ask a broker or an HTTP endpoint.
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
            value = probe.get();
        }
        return value;
    }
}
