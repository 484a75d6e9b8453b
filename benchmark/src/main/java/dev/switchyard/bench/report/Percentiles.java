package dev.switchyard.bench.report;

import org.HdrHistogram.Histogram;

/** p50/p90/p99/max of a histogram of microseconds, in milliseconds (null when nothing was recorded). */
public record Percentiles(double p50, double p90, double p99, double max, long count) {

    public static Percentiles of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return null;
        }
        return new Percentiles(ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), h.getTotalCount());
    }

    /** This minus {@code base}, percentile by percentile (the added latency of a gateway over the direct call). */
    public Percentiles minus(Percentiles base) {
        if (base == null) {
            return null;
        }
        return new Percentiles(round(p50 - base.p50), round(p90 - base.p90), round(p99 - base.p99),
                round(max - base.max), count);
    }

    private static double ms(long micros) {
        return round(micros / 1000.0);
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
