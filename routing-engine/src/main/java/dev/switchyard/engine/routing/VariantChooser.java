package dev.switchyard.engine.routing;

import dev.switchyard.core.allocation.BucketAllocator;
import dev.switchyard.core.allocation.StickyBuckets;
import dev.switchyard.events.Route;
import dev.switchyard.events.Variant;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a route's variant: a user's bucket (murmur3 of router|route|user) looked up in the route's stored bucket
 * allocation, so the user keeps their variant across requests, instances and ramps; without a user id, a random
 * bucket, i.e. random by weight.
 */
public final class VariantChooser {
    private VariantChooser() {
    }

    public static Variant choose(String routerId, Route route, String userId) {
        int bucket = userId == null || userId.isEmpty()
                ? ThreadLocalRandom.current().nextInt(StickyBuckets.BUCKETS)
                : StickyBuckets.bucketOf(routerId, route.getRouteId(), userId);
        String variantId = BucketAllocator.variantOf(route.getAllocation(), bucket);
        for (Variant variant : route.getVariants()) {
            if (variant.getVariantId().equals(variantId)) {
                return variant;
            }
        }
        // An allocation that doesn't cover the bucket can only come from a hand-made record: fall back to the heaviest.
        Variant heaviest = route.getVariants().get(0);
        for (Variant variant : route.getVariants()) {
            if (variant.getWeight() > heaviest.getWeight()) {
                heaviest = variant;
            }
        }
        return heaviest;
    }
}
