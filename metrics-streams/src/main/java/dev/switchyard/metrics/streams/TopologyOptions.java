package dev.switchyard.metrics.streams;

import java.time.Duration;
import java.util.Objects;

/**
 * Knobs of the metrics topology.
 *
 * @param attributionWindow    how long after a request its feedback is still attributed to its variant (default
 *                             7 days); also how long a user's last assignment is remembered
 * @param matchWait            how long feedback waits for a request (or user) it names but that has not been seen
 *                             yet, before it is counted as unattributed (default 5 minutes, wall-clock)
 * @param userDedupRetention   how long "this user already counted for this metric and variant" is remembered
 *                             (default 28 days; at least the attribution window)
 * @param pendingCheckInterval how often waiting feedback is checked for expiry (default 1 s)
 * @param grace                grace period of the 1-minute and 1-hour windows for out-of-order records (default 5 min)
 * @param internalPartitions   partitions of the repartition topics; null = Kafka Streams' default (the input's).
 *                             Set it to the partition count of {@code llm.completions}, so the request store and
 *                             the feedback that looks it up are co-partitioned
 */
public record TopologyOptions(MetricsTopics topics, Duration attributionWindow, Duration matchWait,
                              Duration userDedupRetention, Duration pendingCheckInterval, Duration grace,
                              Integer internalPartitions) {

    public TopologyOptions {
        Objects.requireNonNull(topics, "topics");
        if (attributionWindow.isNegative() || attributionWindow.isZero() || matchWait.isNegative()
                || pendingCheckInterval.isNegative() || pendingCheckInterval.isZero() || grace.isNegative()) {
            throw new IllegalArgumentException("attributionWindow and pendingCheckInterval must be positive, matchWait and grace not negative");
        }
        if (userDedupRetention.compareTo(attributionWindow) < 0) {
            userDedupRetention = attributionWindow;
        }
    }

    public static TopologyOptions defaults() {
        return new TopologyOptions(MetricsTopics.defaults(), Duration.ofDays(7), Duration.ofMinutes(5),
                Duration.ofDays(28), Duration.ofSeconds(1), Duration.ofMinutes(5), null);
    }

    public TopologyOptions withTopics(MetricsTopics value) {
        return new TopologyOptions(value, attributionWindow, matchWait, userDedupRetention, pendingCheckInterval, grace, internalPartitions);
    }

    public TopologyOptions withAttributionWindow(Duration value) {
        return new TopologyOptions(topics, value, matchWait, userDedupRetention, pendingCheckInterval, grace, internalPartitions);
    }

    public TopologyOptions withMatchWait(Duration value) {
        return new TopologyOptions(topics, attributionWindow, value, userDedupRetention, pendingCheckInterval, grace, internalPartitions);
    }

    public TopologyOptions withUserDedupRetention(Duration value) {
        return new TopologyOptions(topics, attributionWindow, matchWait, value, pendingCheckInterval, grace, internalPartitions);
    }

    public TopologyOptions withPendingCheckInterval(Duration value) {
        return new TopologyOptions(topics, attributionWindow, matchWait, userDedupRetention, value, grace, internalPartitions);
    }

    public TopologyOptions withGrace(Duration value) {
        return new TopologyOptions(topics, attributionWindow, matchWait, userDedupRetention, pendingCheckInterval, value, internalPartitions);
    }

    public TopologyOptions withInternalPartitions(Integer value) {
        return new TopologyOptions(topics, attributionWindow, matchWait, userDedupRetention, pendingCheckInterval, grace, value);
    }
}
