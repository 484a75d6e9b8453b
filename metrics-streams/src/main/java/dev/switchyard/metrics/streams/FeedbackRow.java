package dev.switchyard.metrics.streams;

/**
 * A row of ClickHouse's {@code metric_feedback} table (migration V005), as written to {@code metrics.metric-feedback}:
 * one attributed feedback event with the variant it was attributed to. Ids, the metric, its value and two times;
 * never a request body, a comment or a credential (a feedback event carries none, and none would be copied here).
 *
 * <p>The report counts a boolean metric's positive users from these rows (each user once, whenever and however
 * often they sent feedback), so it does not depend on the topology's de-duplication memory.
 *
 * @param occurredAt when the outcome happened (the feedback's own timestamp), epoch seconds: what a report's range
 *                   selects on
 * @param receivedAt when the feedback entered Kafka (its record's timestamp; for feedback that waited for its
 *                   request or user, when it was attributed), epoch seconds
 * @param attribution {@code request} or {@code user}: how it found its variant
 */
public record FeedbackRow(String feedbackId, long occurredAt, long receivedAt, String routerId, String routeId,
                          String variantId, String userId, String requestId, String metric, double value,
                          String attribution) {

    static FeedbackRow of(FeedbackEvent f, Attribution a, long recordTimestampMs) {
        return new FeedbackRow(f.feedbackId() == null ? "" : f.feedbackId(), Math.max(0, f.timestampMs() / 1000),
                Math.max(0, recordTimestampMs / 1000), a.routerId(), a.routeId(), a.variantId(),
                a.userId() == null ? "" : a.userId(), f.requestId() == null ? "" : f.requestId(), f.metric(), f.value(),
                a.method());
    }

    /** Compacted topic key: one feedback event in one variant. */
    public String key() {
        return Keys.join(routerId, feedbackId, routeId, variantId);
    }
}
