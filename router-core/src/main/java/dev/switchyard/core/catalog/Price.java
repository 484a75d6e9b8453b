package dev.switchyard.core.catalog;

import dev.switchyard.events.Usage;

/**
 * Published USD prices per token. Cache prices may be unknown (null): then cached tokens are priced as ordinary
 * input, which is what a provider without a cache discount charges. Zero markup: the cost is the provider's rate.
 */
public record Price(double input, double output, Double cacheRead, Double cacheWrite) {

    /** Cost of {@code usage}, whose input_tokens exclude cached tokens (see {@link Usage}). */
    public double cost(Usage usage) {
        double cacheReadPrice = cacheRead != null ? cacheRead : input;
        double cacheWritePrice = cacheWrite != null ? cacheWrite : input;
        return usage.getInputTokens() * input
                + usage.getOutputTokens() * output
                + usage.getCacheReadTokens() * cacheReadPrice
                + usage.getCacheWriteTokens() * cacheWritePrice;
    }
}
