package dev.switchyard.launcher.testkit;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a condition until it holds or the timeout passes (for state nothing announces: a process, an endpoint). */
public final class Poll {
    private Poll() {
    }

    public static <T> T until(Duration timeout, Supplier<T> probe, Predicate<T> condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!condition.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " (last value: " + value + ")");
            }
            try {
                Thread.sleep(50); // polling a condition, not synchronising on time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
            value = probe.get();
        }
        return value;
    }
}
