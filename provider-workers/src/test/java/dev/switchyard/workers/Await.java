package dev.switchyard.workers;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a condition until it holds or the timeout passes (for state no callback announces, e.g. committed offsets). */
final class Await {
    private Await() {
    }

    static <T> T until(Duration timeout, Supplier<T> probe, Predicate<T> condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!condition.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " (last value: " + value + ")");
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            value = probe.get();
        }
        return value;
    }
}
