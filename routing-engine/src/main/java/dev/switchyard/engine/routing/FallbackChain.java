package dev.switchyard.engine.routing;

import dev.switchyard.events.Candidate;
import dev.switchyard.events.Route;
import dev.switchyard.events.Variant;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ordered candidate list of a request: the chosen variant, then the route's other variants by descending weight
 * (ties in route order), then the fallback models. A model appears once, at its first position.
 */
public final class FallbackChain {
    private FallbackChain() {
    }

    public static List<Candidate> of(Variant chosen, Route route, List<String> fallbackModels) {
        List<Candidate> chain = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        add(chain, seen, chosen.getModelId(), chosen.getVariantId());
        if (route != null) {
            List<Variant> others = new ArrayList<>(route.getVariants());
            others.sort(Comparator.comparingInt(Variant::getWeight).reversed()); // stable: ties keep route order
            for (Variant variant : others) {
                add(chain, seen, variant.getModelId(), variant.getVariantId());
            }
        }
        return withFallbackModels(chain, seen, fallbackModels);
    }

    /** A request that named a model directly: that model, then the fallback models. */
    public static List<Candidate> direct(String modelId, List<String> fallbackModels) {
        List<Candidate> chain = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        add(chain, seen, modelId, null);
        return withFallbackModels(chain, seen, fallbackModels);
    }

    private static List<Candidate> withFallbackModels(List<Candidate> chain, Set<String> seen, List<String> fallbackModels) {
        if (fallbackModels != null) {
            for (String model : fallbackModels) {
                add(chain, seen, model, null);
            }
        }
        return chain;
    }

    private static void add(List<Candidate> chain, Set<String> seen, String modelId, String variantId) {
        if (seen.add(modelId)) {
            chain.add(new Candidate(modelId, variantId));
        }
    }
}
