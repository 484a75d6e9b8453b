package dev.switchyard.core.allocation;

import dev.switchyard.events.BucketRange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Allocates the 10,000 sticky buckets of a route to its variants (weights are percentages summing to 100, so a
 * weight point is 100 buckets). A new route gets contiguous ranges in variant order. When weights change, the new
 * allocation is derived from the previous one by moving only as many buckets as the change requires, from variants
 * that shrink (their highest buckets first) to variants that grow: users of variants whose weight did not change
 * never move, which a plain cumulative layout cannot promise once there are three variants.
 */
public final class BucketAllocator {
    private static final int BUCKETS_PER_WEIGHT_POINT = StickyBuckets.BUCKETS / 100;

    private BucketAllocator() {
    }

    /** @param weights variant id to weight, in variant order; weights sum to 100. */
    public static List<BucketRange> initial(Map<String, Integer> weights) {
        List<BucketRange> ranges = new ArrayList<>();
        int start = 0;
        for (Map.Entry<String, Integer> entry : weights.entrySet()) {
            int size = entry.getValue() * BUCKETS_PER_WEIGHT_POINT;
            if (size > 0) {
                ranges.add(new BucketRange(start, start + size, entry.getKey()));
                start += size;
            }
        }
        return ranges;
    }

    /**
     * @param previous the allocation of the previous version (may be empty: then this is {@link #initial})
     * @param weights  the new weights, variant id to weight, in variant order; weights sum to 100
     */
    public static List<BucketRange> rebalance(List<BucketRange> previous, Map<String, Integer> weights) {
        if (previous == null || previous.isEmpty() || covered(previous) != StickyBuckets.BUCKETS) {
            return initial(weights);
        }
        String[] owner = new String[StickyBuckets.BUCKETS];
        Map<String, TreeSet<Integer>> held = new LinkedHashMap<>();
        for (String variant : weights.keySet()) {
            held.put(variant, new TreeSet<>());
        }
        TreeSet<Integer> free = new TreeSet<>();
        for (BucketRange range : previous) {
            for (int bucket = range.getStart(); bucket < range.getEnd(); bucket++) {
                TreeSet<Integer> buckets = held.get(range.getVariantId());
                if (buckets == null) {
                    free.add(bucket); // the variant was removed
                } else {
                    buckets.add(bucket);
                    owner[bucket] = range.getVariantId();
                }
            }
        }
        // Shrinking variants give up their highest buckets ...
        for (Map.Entry<String, TreeSet<Integer>> entry : held.entrySet()) {
            int target = weights.get(entry.getKey()) * BUCKETS_PER_WEIGHT_POINT;
            TreeSet<Integer> buckets = entry.getValue();
            while (buckets.size() > target) {
                int bucket = buckets.pollLast();
                owner[bucket] = null;
                free.add(bucket);
            }
        }
        // ... and growing variants take the lowest free ones.
        for (Map.Entry<String, TreeSet<Integer>> entry : held.entrySet()) {
            int target = weights.get(entry.getKey()) * BUCKETS_PER_WEIGHT_POINT;
            while (entry.getValue().size() < target) {
                int bucket = free.pollFirst();
                entry.getValue().add(bucket);
                owner[bucket] = entry.getKey();
            }
        }
        return toRanges(owner);
    }

    /** The variant that owns {@code bucket}, or null if the allocation does not cover it. */
    public static String variantOf(List<BucketRange> allocation, int bucket) {
        for (BucketRange range : allocation) {
            if (bucket >= range.getStart() && bucket < range.getEnd()) {
                return range.getVariantId();
            }
        }
        return null;
    }

    private static int covered(List<BucketRange> ranges) {
        int total = 0;
        for (BucketRange range : ranges) {
            total += range.getEnd() - range.getStart();
        }
        return total;
    }

    private static List<BucketRange> toRanges(String[] owner) {
        List<BucketRange> ranges = new ArrayList<>();
        int start = 0;
        for (int bucket = 1; bucket <= owner.length; bucket++) {
            if (bucket == owner.length || !owner[bucket].equals(owner[start])) {
                ranges.add(new BucketRange(start, bucket, owner[start]));
                start = bucket;
            }
        }
        return ranges;
    }
}
