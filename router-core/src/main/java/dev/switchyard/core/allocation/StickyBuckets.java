package dev.switchyard.core.allocation;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;

import java.nio.charset.StandardCharsets;

/**
 * Maps a user to one of {@link #BUCKETS} buckets of a route, with murmur3 of {@code router|route|user}: stable across
 * requests, processes and versions, and independent between routes and routers (a user's bucket in one experiment
 * says nothing about their bucket in another).
 */
public final class StickyBuckets {
    public static final int BUCKETS = 10_000;
    private static final HashFunction MURMUR3 = Hashing.murmur3_32_fixed();

    private StickyBuckets() {
    }

    public static int bucketOf(String routerId, String routeId, String userId) {
        String key = routerId + '|' + routeId + '|' + userId;
        int hash = MURMUR3.hashString(key, StandardCharsets.UTF_8).asInt();
        return Math.floorMod(hash, BUCKETS);
    }
}
