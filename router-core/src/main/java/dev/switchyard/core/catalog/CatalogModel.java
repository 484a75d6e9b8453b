package dev.switchyard.core.catalog;

import java.util.List;
import java.util.Set;

/**
 * One routable model. {@code id} is {@code provider/model}; {@code upstream} is the name the provider's API takes.
 * {@code price} is null when no price is published (cost then recorded as unknown, never invented).
 */
public record CatalogModel(
        String id,
        String provider,
        String upstream,
        ApiKind api,
        Integer contextWindow,
        Integer maxOutput,
        Set<String> capabilities,
        Price price,
        List<String> aliases) {

    public boolean supports(String capability) {
        return capabilities.contains(capability);
    }
}
