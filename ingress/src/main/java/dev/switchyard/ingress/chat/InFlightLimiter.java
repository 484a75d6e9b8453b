package dev.switchyard.ingress.chat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The overload guard: at most {@code max} chat requests wait for answers at once; beyond that new ones are refused
 * at once (429) instead of queueing behind work this instance cannot finish in time.
 */
public final class InFlightLimiter {
    private final int max;
    private final AtomicInteger inFlight = new AtomicInteger();

    public InFlightLimiter(int max) {
        this.max = max;
    }

    /** One admitted request; releasing twice is harmless. */
    public final class Slot {
        private final AtomicBoolean released = new AtomicBoolean();

        public void release() {
            if (released.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        }
    }

    public boolean full() {
        return inFlight.get() >= max;
    }

    /** A slot, or null when {@code max} requests are already in flight. */
    public Slot tryAcquire() {
        while (true) {
            int current = inFlight.get();
            if (current >= max) {
                return null;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return new Slot();
            }
        }
    }

    public int inFlight() {
        return inFlight.get();
    }
}
