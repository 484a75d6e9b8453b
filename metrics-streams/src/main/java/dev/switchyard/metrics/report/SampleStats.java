package dev.switchyard.metrics.report;

/**
 * Sufficient statistics of a sample: size, sum and sum of squares (what Kafka Streams aggregates per window and
 * what sums across windows).
 */
public record SampleStats(long n, double sum, double sumSq) {

    public static SampleStats of(double... values) {
        double s = 0;
        double ss = 0;
        for (double v : values) {
            s += v;
            ss += v * v;
        }
        return new SampleStats(values.length, s, ss);
    }

    /** {@code successes} ones among {@code n} zero/one observations. */
    public static SampleStats bernoulli(long n, long successes) {
        return new SampleStats(n, successes, successes);
    }

    public SampleStats plus(double value) {
        return new SampleStats(n + 1, sum + value, sumSq + value * value);
    }

    public double mean() {
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The unbiased sample variance (0 when it is negative by rounding). */
    public double variance() {
        if (n < 2) {
            return Double.NaN;
        }
        double v = (sumSq - sum * sum / n) / (n - 1);
        return Math.max(0, v);
    }
}
