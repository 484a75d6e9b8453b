package dev.switchyard.workers.replies;

import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.events.Usage;

/** The cost of an answer from the catalog's published per-token prices: unknown (null) rather than invented. */
public final class Costs {
    private Costs() {
    }

    public static Double of(CatalogModel model, Usage usage) {
        if (model == null || usage == null || model.price() == null) {
            return null;
        }
        return model.price().cost(usage);
    }
}
