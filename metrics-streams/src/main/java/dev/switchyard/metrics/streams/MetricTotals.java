package dev.switchyard.metrics.streams;

/**
 * Running outcome totals of one variant, metric and window. {@code version} counts the deltas folded in, so a
 * later state of the same window always has a larger version (ClickHouse keeps the row with the largest).
 */
public record MetricTotals(String routerId, String routeId, String variantId, String metric,
                           long observations, double valueSum, double valueSumSq,
                           long users, long positiveUsers, long duplicates, long version) {

    static MetricTotals empty() {
        return new MetricTotals(null, null, null, null, 0, 0, 0, 0, 0, 0, 0);
    }

    MetricTotals plus(MetricDelta d) {
        return new MetricTotals(d.routerId(), d.routeId(), d.variantId(), d.metric(),
                observations + d.observations(), valueSum + d.valueSum(), valueSumSq + d.valueSumSq(),
                users + d.users(), positiveUsers + d.positiveUsers(), duplicates + d.duplicates(), version + 1);
    }
}
