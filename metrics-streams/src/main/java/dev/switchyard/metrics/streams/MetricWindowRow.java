package dev.switchyard.metrics.streams;

/** A row of ClickHouse's {@code metric_windows} table, as written to {@code metrics.metric-windows}. */
public record MetricWindowRow(int windowSeconds, long windowStart, String routerId, String routeId, String variantId,
                              String metric, long observations, double valueSum, double valueSumSq,
                              long users, long positiveUsers, long duplicates, long version) {

    static MetricWindowRow of(int windowSeconds, long windowStartMs, MetricTotals t) {
        return new MetricWindowRow(windowSeconds, windowStartMs / 1000, t.routerId(), t.routeId(), t.variantId(),
                t.metric(), t.observations(), t.valueSum(), t.valueSumSq(), t.users(), t.positiveUsers(),
                t.duplicates(), t.version());
    }

    public String key() {
        return windowSeconds + "|" + windowStart + "|" + Keys.join(routerId, routeId, variantId, metric);
    }
}
