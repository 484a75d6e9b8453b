package dev.switchyard.metrics.report;

import java.time.Clock;

/**
 * @param alpha        1 − coverage of the confidence sequences (default 0.05: 95 %)
 * @param optimizeAt   sample size at which the confidence sequences are tightest (default 10,000 units)
 * @param minSamples   units per arm below which no verdict is given (default 100): the sequences are asymptotic
 * @param srmThreshold p-value below which the sample-ratio mismatch is flagged (default 0.001)
 * @param clock        "now", for retention metrics (only users whose N days are over are counted)
 */
public record ReportOptions(double alpha, double optimizeAt, long minSamples, double srmThreshold, Clock clock) {

    public static ReportOptions defaults() {
        return new ReportOptions(0.05, 10_000, 100, SampleRatioMismatch.DEFAULT_THRESHOLD, Clock.systemUTC());
    }

    public ReportOptions withClock(Clock value) {
        return new ReportOptions(alpha, optimizeAt, minSamples, srmThreshold, value);
    }

    public ReportOptions withMinSamples(long value) {
        return new ReportOptions(alpha, optimizeAt, value, srmThreshold, clock);
    }
}
