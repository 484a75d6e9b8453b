package dev.switchyard.metrics.streams;

import dev.switchyard.events.Completion;

/**
 * What attribution needs to remember about a finished request: who was served which variant. Kept in the
 * request store for the attribution window.
 */
public record RequestInfo(String requestId, String routerId, String routeId, String variantId, String userId,
                          long receivedAtMs) {

    static RequestInfo of(Completion c) {
        return new RequestInfo(c.getRequestId(), c.getRouterId(), c.getRouteId(), c.getVariantId(),
                blankToNull(c.getUserId()), c.getReceivedAt().toEpochMilli());
    }

    boolean inExperiment() {
        return routerId != null && variantId != null;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
