package dev.switchyard.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one rate step of one target measured. Every latency is in microseconds from the request's <em>scheduled</em>
 * send time (not the moment it was actually sent), so a load generator or server that falls behind shows up as
 * latency instead of silently sending less (coordinated omission). Thread-safe: the event loops record concurrently.
 */
public final class StepMeasurement {
    private static final long HIGHEST_US = 600_000_000L;

    final Recorder ttft = new Recorder(HIGHEST_US, 3);
    final Recorder total = new Recorder(HIGHEST_US, 3);
    /** Content chunk k's arrival minus when the mock's schedule would have it (request scheduled + TTFT + k × gap). */
    final Recorder chunkLateness = new Recorder(HIGHEST_US, 3);
    /** Time between consecutive content chunks of one response. */
    final Recorder chunkGap = new Recorder(HIGHEST_US, 3);
    /** How late the load generator itself sent requests (actual − scheduled). */
    final Recorder sendLag = new Recorder(HIGHEST_US, 3);

    final LongAdder scheduled = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder contentChunks = new LongAdder();
    final AtomicLong inFlight = new AtomicLong();
    final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    final AtomicLong lastEndNanos = new AtomicLong();
    volatile boolean closed;

    void error(String kind) {
        errors.increment();
        errorKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** The histograms, counts and error kinds, frozen. */
    public Snapshot snapshot(double elapsedSeconds) {
        Map<String, Long> kinds = new java.util.TreeMap<>();
        errorKinds.forEach((k, v) -> kinds.put(k, v.sum()));
        return new Snapshot(scheduled.sum(), ok.sum(), errors.sum(), inFlight.get(), contentChunks.sum(), kinds,
                elapsedSeconds, ttft.getIntervalHistogram(), total.getIntervalHistogram(),
                chunkLateness.getIntervalHistogram(), chunkGap.getIntervalHistogram(), sendLag.getIntervalHistogram());
    }

    /**
     * A frozen step result; {@code abandoned} requests were still running when the step gave up waiting;
     * {@code elapsedSeconds} runs from the first scheduled send to the last answer (or the end of the schedule).
     */
    public record Snapshot(long scheduled, long ok, long errors, long abandoned, long contentChunks,
                           Map<String, Long> errorKinds, double elapsedSeconds, Histogram ttft, Histogram total,
                           Histogram chunkLateness, Histogram chunkGap, Histogram sendLag) {
        public double achievedRps() {
            return ok / elapsedSeconds;
        }
    }
}
