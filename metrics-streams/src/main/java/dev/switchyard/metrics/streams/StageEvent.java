package dev.switchyard.metrics.streams;

/**
 * What the request stage (partitioned by request id) hands to the user stage (partitioned by router and user)
 * through one repartition topic:
 * <ul>
 *   <li>{@code assignment}: a request of a known user, so the user stage learns the user's variant;</li>
 *   <li>{@code user_feedback}: feedback keyed by router and user only, to attribute by the user's assignment;</li>
 *   <li>{@code attributed}: feedback already joined to its request, to be de-duplicated and counted;</li>
 *   <li>{@code unattributed}: feedback that matched nothing within the window, to be counted as such.</li>
 * </ul>
 */
public record StageEvent(String type, RequestInfo request, FeedbackEvent feedback, Attribution attribution) {
    static final String ASSIGNMENT = "assignment";
    static final String USER_FEEDBACK = "user_feedback";
    static final String ATTRIBUTED = "attributed";
    static final String UNATTRIBUTED = "unattributed";

    static StageEvent assignment(RequestInfo r) {
        return new StageEvent(ASSIGNMENT, r, null, null);
    }

    static StageEvent userFeedback(FeedbackEvent f) {
        return new StageEvent(USER_FEEDBACK, null, f, null);
    }

    static StageEvent attributed(FeedbackEvent f, Attribution a) {
        return new StageEvent(ATTRIBUTED, null, f, a);
    }

    static StageEvent unattributed(FeedbackEvent f) {
        return new StageEvent(UNATTRIBUTED, null, f, null);
    }

    /** The user stage's partition key: the router's user when known, else the request (or feedback) itself. */
    String userStageKey() {
        return switch (type) {
            case ASSIGNMENT -> Keys.routerUser(request.routerId(), request.userId());
            case USER_FEEDBACK -> Keys.routerUser(feedback.routerId(), feedback.userId());
            case ATTRIBUTED -> attribution.userId() != null ? Keys.routerUser(attribution.routerId(), attribution.userId())
                    : Keys.join("r", feedback.requestId());
            default -> Keys.join("f", feedback.feedbackId());
        };
    }
}
