package dev.switchyard.workers.providers;

import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.events.ChatRequest;

import java.util.List;

/**
 * Everything an adapter needs for one call: the client's request, the catalog entry of the model to call, and the
 * provider's endpoint and key. Adapters append to {@code notes} the parameters they mapped or dropped (recorded on the
 * Completion, so an operator can see why an answer differs from what the client asked for).
 */
public record CallSpec(ChatRequest request, CatalogModel model, ProviderSettings provider, List<String> notes) {
}
