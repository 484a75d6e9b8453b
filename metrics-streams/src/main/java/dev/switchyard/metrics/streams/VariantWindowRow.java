package dev.switchyard.metrics.streams;

import java.util.List;

/** A row of ClickHouse's {@code variant_windows} table, as written to {@code metrics.variant-windows}. */
public record VariantWindowRow(int windowSeconds, long windowStart, String routerId, String routeId, String variantId,
                               long requests, long errors, long cancelled, long failovers,
                               long inputTokens, long outputTokens, double costUsd, long pricedRequests,
                               long latencyMsSum, List<String> errorKinds, List<Long> errorCounts, long version) {

    static VariantWindowRow of(int windowSeconds, long windowStartMs, VariantTotals t) {
        return new VariantWindowRow(windowSeconds, windowStartMs / 1000, t.routerId(), t.routeId(), t.variantId(),
                t.requests(), t.errors(), t.cancelled(), t.failovers(), t.inputTokens(), t.outputTokens(), t.costUsd(),
                t.pricedRequests(), t.latencyMsSum(), List.copyOf(t.errorsByKind().keySet()),
                List.copyOf(t.errorsByKind().values()), t.version());
    }

    /** The key of this row in ClickHouse (and of its record in the topic, so compaction keeps the latest). */
    public String key() {
        return windowSeconds + "|" + windowStart + "|" + Keys.join(routerId, routeId, variantId);
    }
}
