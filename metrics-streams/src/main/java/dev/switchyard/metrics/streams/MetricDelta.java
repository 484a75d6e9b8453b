package dev.switchyard.metrics.streams;

/**
 * One feedback event's contribution to its variant's outcome totals.
 *
 * @param observations  1 if the event is an observation of the metric (the first for its request, or the first of
 *                      its user in this variant for user-keyed feedback), else 0
 * @param users         1 if it is the first feedback of its user for this metric in this variant
 * @param positiveUsers 1 if it is the first feedback with a positive value of its user for this metric and variant
 * @param duplicates    1 if it repeated an observation already counted
 */
public record MetricDelta(String routerId, String routeId, String variantId, String metric,
                          long observations, double valueSum, double valueSumSq,
                          long users, long positiveUsers, long duplicates) {

    /** Route and variant of feedback that matched no request or user within the attribution window. */
    public static final String UNATTRIBUTED = "";

    static MetricDelta unattributed(FeedbackEvent f) {
        double v = f.value();
        return new MetricDelta(f.routerId() == null ? "" : f.routerId(), UNATTRIBUTED, UNATTRIBUTED, f.metric(),
                1, v, v * v, 0, 0, 0);
    }

    String groupKey() {
        return Keys.join(routerId, routeId, variantId, metric);
    }
}
