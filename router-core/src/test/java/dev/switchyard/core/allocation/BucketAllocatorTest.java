package dev.switchyard.core.allocation;

import dev.switchyard.events.BucketRange;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BucketAllocatorTest {
    private static final int USERS = 20_000;

    private static Map<String, Integer> weights(Object... pairs) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            weights.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return weights;
    }

    private static Map<String, String> assign(List<BucketRange> allocation) {
        Map<String, String> variantByUser = new HashMap<>();
        for (int u = 0; u < USERS; u++) {
            String user = "user-" + u;
            variantByUser.put(user, BucketAllocator.variantOf(allocation, StickyBuckets.bucketOf("router", "route", user)));
        }
        return variantByUser;
    }

    private static int bucketsOf(List<BucketRange> allocation, String variant) {
        return allocation.stream().filter(r -> r.getVariantId().equals(variant)).mapToInt(r -> r.getEnd() - r.getStart()).sum();
    }

    @Test
    void initialAllocationCoversEveryBucketByWeight() {
        List<BucketRange> allocation = BucketAllocator.initial(weights("a", 70, "b", 30));
        assertThat(bucketsOf(allocation, "a")).isEqualTo(7000);
        assertThat(bucketsOf(allocation, "b")).isEqualTo(3000);
    }

    @Test
    void usersSpreadByWeightWithinTolerance() {
        Map<String, String> assignment = assign(BucketAllocator.initial(weights("a", 70, "b", 30)));
        long a = assignment.values().stream().filter("a"::equals).count();
        // 20,000 users at p=0.7: sd = 65; 5 sd either side.
        assertThat(a).isBetween(14_000L - 325, 14_000L + 325);
    }

    @Test
    void rampFromTenToTwentyMovesOnlyTheUsersItMust() {
        List<BucketRange> before = BucketAllocator.initial(weights("control", 90, "treatment", 10));
        List<BucketRange> after = BucketAllocator.rebalance(before, weights("control", 80, "treatment", 20));
        Map<String, String> a = assign(before);
        Map<String, String> b = assign(after);
        long moved = a.keySet().stream().filter(u -> !a.get(u).equals(b.get(u))).count();
        // Exactly the users in 1,000 moved buckets move, all from control to treatment (~10% of users).
        assertThat(a.keySet().stream().filter(u -> !a.get(u).equals(b.get(u)))
                .allMatch(u -> a.get(u).equals("control") && b.get(u).equals("treatment"))).isTrue();
        assertThat(moved).isBetween(2_000L - 250, 2_000L + 250);
        assertThat(a.keySet().stream().filter(u -> a.get(u).equals("treatment")).allMatch(u -> b.get(u).equals("treatment"))).isTrue();
    }

    @Test
    void withThreeVariantsTheUnchangedVariantKeepsExactlyItsUsers() {
        List<BucketRange> before = BucketAllocator.initial(weights("a", 40, "b", 30, "c", 30));
        // a shrinks, c grows, b is unchanged: a cumulative layout would shift b's range and move its users.
        List<BucketRange> after = BucketAllocator.rebalance(before, weights("a", 20, "b", 30, "c", 50));
        Map<String, String> x = assign(before);
        Map<String, String> y = assign(after);
        for (String user : x.keySet()) {
            if (x.get(user).equals("b") || y.get(user).equals("b")) {
                assertThat(y.get(user)).as(user).isEqualTo(x.get(user));
            }
            if (!x.get(user).equals(y.get(user))) {
                assertThat(x.get(user)).isEqualTo("a");
                assertThat(y.get(user)).isEqualTo("c");
            }
        }
        assertThat(bucketsOf(after, "a")).isEqualTo(2000);
        assertThat(bucketsOf(after, "b")).isEqualTo(3000);
        assertThat(bucketsOf(after, "c")).isEqualTo(5000);
    }

    @Test
    void removedVariantsFreeTheirBucketsAndNewOnesTakeThem() {
        List<BucketRange> before = BucketAllocator.initial(weights("a", 50, "b", 50));
        List<BucketRange> after = BucketAllocator.rebalance(before, weights("a", 50, "c", 50));
        Map<String, String> x = assign(before);
        Map<String, String> y = assign(after);
        x.forEach((user, variant) -> assertThat(y.get(user)).isEqualTo(variant.equals("a") ? "a" : "c"));
    }

    @Test
    void stickyBucketIsStableAndSeparatesRoutes() {
        assertThat(StickyBuckets.bucketOf("r", "route", "alice")).isEqualTo(StickyBuckets.bucketOf("r", "route", "alice"));
        long same = 0;
        for (int u = 0; u < 1000; u++) {
            if (StickyBuckets.bucketOf("r", "route-1", "u" + u) == StickyBuckets.bucketOf("r", "route-2", "u" + u)) {
                same++;
            }
        }
        assertThat(same).isLessThan(5); // independent hashes collide ~0.1 times in 1,000
    }
}
