package dev.switchyard.metrics.streams;

import dev.switchyard.schemas.Topics;

/**
 * Topics the metrics stage reads and writes. The outputs are owned by this module: JSON rows of the ClickHouse
 * window tables, keyed by window key and compacted, so the latest totals of every window survive; and JSON rows of
 * {@code metric_feedback} (one per attributed feedback event, keyed by feedback and variant, compacted).
 */
public record MetricsTopics(String completions, String feedback, String variantWindows, String metricWindows,
                            String metricFeedback) {
    public static final String VARIANT_WINDOWS = "metrics.variant-windows";
    public static final String METRIC_WINDOWS = "metrics.metric-windows";
    public static final String METRIC_FEEDBACK = "metrics.metric-feedback";

    public static MetricsTopics defaults() {
        return new MetricsTopics(Topics.COMPLETIONS, Topics.FEEDBACK, VARIANT_WINDOWS, METRIC_WINDOWS, METRIC_FEEDBACK);
    }

    /** Every name with {@code suffix} appended: isolated topics for tests sharing one broker. */
    public MetricsTopics withSuffix(String suffix) {
        return new MetricsTopics(completions + suffix, feedback + suffix, variantWindows + suffix, metricWindows + suffix,
                metricFeedback + suffix);
    }
}
