package dev.switchyard.metrics.streams;

/**
 * The variant a feedback event was attributed to, and how: {@code request} (joined on its request id) or
 * {@code user} (the user's sticky assignment in the router).
 */
public record Attribution(String routerId, String routeId, String variantId, String userId, String method) {
    static final String BY_REQUEST = "request";
    static final String BY_USER = "user";

    static Attribution byRequest(RequestInfo r) {
        return new Attribution(r.routerId(), r.routeId(), r.variantId(), r.userId(), BY_REQUEST);
    }
}
