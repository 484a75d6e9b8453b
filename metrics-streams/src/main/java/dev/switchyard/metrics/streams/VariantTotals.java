package dev.switchyard.metrics.streams;

import java.util.Map;
import java.util.TreeMap;

/** Running traffic totals of one variant and window; {@code version} as in {@link MetricTotals}. */
public record VariantTotals(String routerId, String routeId, String variantId,
                            long requests, long errors, long cancelled, long failovers,
                            long inputTokens, long outputTokens, double costUsd, long pricedRequests,
                            long latencyMsSum, Map<String, Long> errorsByKind, long version) {

    static VariantTotals empty() {
        return new VariantTotals(null, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), 0);
    }

    VariantTotals plus(CompletionDelta d) {
        Map<String, Long> kinds = errorsByKind;
        if (d.errorKind() != null) {
            kinds = new TreeMap<>(errorsByKind);
            kinds.merge(d.errorKind(), 1L, Long::sum);
        }
        return new VariantTotals(d.routerId(), d.routeId(), d.variantId(), requests + 1, errors + d.errors(),
                cancelled + d.cancelled(), failovers + d.failovers(), inputTokens + d.inputTokens(),
                outputTokens + d.outputTokens(), costUsd + d.costUsd(), pricedRequests + d.pricedRequests(),
                latencyMsSum + d.latencyMs(), kinds, version + 1);
    }
}
