package dev.switchyard.metrics.streams;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Feedback waiting for its request (or its user's first request) to show up: a client often sends feedback the
 * moment it has the answer, which can be before the worker's Completion is processed. {@code arrivedAtMs} is
 * wall-clock time: after the match wait the feedback is counted as unattributed.
 */
public record PendingFeedback(List<Entry> entries) {

    public record Entry(FeedbackEvent feedback, long arrivedAtMs) {
    }

    static PendingFeedback plus(PendingFeedback current, FeedbackEvent f, long now) {
        List<Entry> entries = current == null ? new ArrayList<>() : new ArrayList<>(current.entries());
        entries.add(new Entry(f, now));
        return new PendingFeedback(entries);
    }

    /**
     * Takes every entry of {@code store} that has waited {@code wait} ms or more by {@code now} out of it
     * and hands its feedback to {@code expired}; entries still within the wait stay.
     */
    static void expire(KeyValueStore<String, PendingFeedback> store, long now, long wait, Consumer<FeedbackEvent> expired) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, PendingFeedback> it = store.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        for (String key : keys) {
            PendingFeedback waiting = store.get(key);
            List<Entry> kept = new ArrayList<>();
            for (Entry entry : waiting.entries()) {
                if (now - entry.arrivedAtMs() < wait) {
                    kept.add(entry);
                } else {
                    expired.accept(entry.feedback());
                }
            }
            if (kept.isEmpty()) {
                store.delete(key);
            } else if (kept.size() != waiting.entries().size()) {
                store.put(key, new PendingFeedback(kept));
            }
        }
    }
}
