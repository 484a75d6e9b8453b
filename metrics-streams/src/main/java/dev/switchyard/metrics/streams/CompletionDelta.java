package dev.switchyard.metrics.streams;

import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;

/** One Completion's contribution to its variant's traffic totals. */
public record CompletionDelta(String routerId, String routeId, String variantId,
                              long errors, long cancelled, long failovers,
                              long inputTokens, long outputTokens, double costUsd, long pricedRequests,
                              long latencyMs, String errorKind) {

    static CompletionDelta of(Completion c) {
        boolean error = c.getStatus() == CompletionStatus.ERROR;
        long in = c.getUsage() == null ? 0 : c.getUsage().getInputTokens();
        long out = c.getUsage() == null ? 0 : c.getUsage().getOutputTokens();
        return new CompletionDelta(nz(c.getRouterId()), nz(c.getRouteId()), nz(c.getVariantId()),
                error ? 1 : 0, c.getStatus() == CompletionStatus.CANCELLED ? 1 : 0,
                c.getAttempts().size() > 1 ? 1 : 0, in, out,
                c.getCostUsd() == null ? 0 : c.getCostUsd(), c.getCostUsd() == null ? 0 : 1,
                c.getLatencyMs(), error ? errorKind(c) : null);
    }

    /** Errors by kind: the HTTP status and the OpenAI-style error type, e.g. {@code 429:rate_limit_error}. */
    static String errorKind(Completion c) {
        String type = c.getErrorType() == null || c.getErrorType().isBlank() ? "error" : c.getErrorType();
        return c.getHttpStatus() + ":" + type;
    }

    String groupKey() {
        return Keys.join(routerId, routeId, variantId);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
