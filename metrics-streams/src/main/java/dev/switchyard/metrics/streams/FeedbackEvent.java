package dev.switchyard.metrics.streams;

import dev.switchyard.events.Feedback;

/** A feedback event as this module carries it between its stages. */
public record FeedbackEvent(String feedbackId, String requestId, String routerId, String userId, String metric,
                            double value, long timestampMs) {

    static FeedbackEvent of(Feedback f) {
        return new FeedbackEvent(f.getFeedbackId(), RequestInfo.blankToNull(f.getRequestId()),
                RequestInfo.blankToNull(f.getRouterId()), RequestInfo.blankToNull(f.getUserId()), f.getMetric(),
                f.getValue(), f.getTimestamp().toEpochMilli());
    }

    /** Attribution key: the request id when there is one, else the router's user (both null: unattributable). */
    String attributionKey() {
        if (requestId != null) {
            return requestId;
        }
        if (routerId != null && userId != null) {
            return Keys.routerUser(routerId, userId);
        }
        return null;
    }
}
