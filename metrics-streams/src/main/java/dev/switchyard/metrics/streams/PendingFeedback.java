package dev.switchyard.metrics.streams;

import java.util.ArrayList;
import java.util.List;

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
}
