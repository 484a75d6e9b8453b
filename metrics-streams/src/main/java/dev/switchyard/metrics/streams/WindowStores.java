package dev.switchyard.metrics.streams;

import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/** Look-ups on window stores used as key-value stores whose entries expire with the store's retention. */
final class WindowStores {
    private WindowStores() {
    }

    /** The newest value of {@code key} stored in [from, to], or null. */
    static <V> V newest(WindowStore<String, V> store, String key, long from, long to) {
        try (WindowStoreIterator<V> it = store.backwardFetch(key, Math.max(0, from), Math.max(0, to))) {
            return it.hasNext() ? it.next().value : null;
        }
    }

    /** The oldest value of {@code key} stored in [from, to], or null. */
    static <V> V oldest(WindowStore<String, V> store, String key, long from, long to) {
        try (WindowStoreIterator<V> it = store.fetch(key, Math.max(0, from), Math.max(0, to))) {
            return it.hasNext() ? it.next().value : null;
        }
    }

    /** The value in force at {@code at}: the newest stored at or before it, else the oldest after it (within {@code window}). */
    static <V> V around(WindowStore<String, V> store, String key, long at, long window) {
        V before = newest(store, key, at - window, at);
        return before != null ? before : oldest(store, key, at + 1, at + window);
    }
}
