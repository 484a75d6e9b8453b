package dev.switchyard.workers.replies;

import io.vertx.core.Vertx;

import java.util.function.LongSupplier;

/**
 * How a {@link ChunkWriter} groups content deltas into reply records. Every record costs the same on the whole path
 * (a produce, a fetch, a decode and an HTTP write at ingress) whatever its size, and providers often send bursts of
 * tiny deltas; so a streaming attempt sends its first delta at once (the time to first token is never delayed), then
 * at most one record per {@code window}: a delta arriving less than a window after the last record waits, with any
 * that follow, until the window has passed. Tokens slower than the window go out as they come. A non-streaming client
 * sees nothing before the end, so its whole answer travels in the final record, split only past {@code maxChars}.
 *
 * @param windowMs the minimum time between two reply records of one streaming attempt; 0 sends every delta alone
 * @param maxChars buffered characters that force a record out (keeps records well under Kafka's 1 MB limit)
 * @param timers   runs the delayed flush on the request's own context
 * @param nanoTime the clock windows are measured on
 */
public record Coalescing(long windowMs, int maxChars, Timers timers, LongSupplier nanoTime) {
    public static final long DEFAULT_WINDOW_MS = 5;
    public static final int DEFAULT_MAX_CHARS = 64 * 1024;

    /** Every delta its own record, as the provider sent it. */
    public static final Coalescing OFF = new Coalescing(0, DEFAULT_MAX_CHARS, new Timers() {
        @Override
        public long schedule(long delayMs, Runnable task) {
            throw new IllegalStateException("coalescing is off");
        }

        @Override
        public void cancel(long id) {
        }
    }, System::nanoTime);

    /** Schedules work on the caller's context. */
    public interface Timers {
        long schedule(long delayMs, Runnable task);

        void cancel(long id);
    }

    public Coalescing {
        if (windowMs < 0) {
            throw new IllegalArgumentException("the coalescing window must not be negative");
        }
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be positive");
        }
    }

    /** Vert.x timers: a timer set from a context fires on that context, so a writer stays single-threaded. */
    public static Coalescing onVertx(Vertx vertx, long windowMs) {
        return new Coalescing(windowMs, DEFAULT_MAX_CHARS, new Timers() {
            @Override
            public long schedule(long delayMs, Runnable task) {
                return vertx.setTimer(Math.max(1, delayMs), id -> task.run());
            }

            @Override
            public void cancel(long id) {
                vertx.cancelTimer(id);
            }
        }, System::nanoTime);
    }

    public boolean enabled() {
        return windowMs > 0;
    }
}
