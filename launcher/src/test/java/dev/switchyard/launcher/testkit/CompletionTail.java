package dev.switchyard.launcher.testkit;

import dev.switchyard.events.Completion;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.kafka.TopicTail;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Every Completion published after it started (all partitions, from the end, no group), by request id. */
public final class CompletionTail implements AutoCloseable {
    private final TopicTail<Completion> tail;

    public CompletionTail(String bootstrap, EventSerdes serdes) {
        this.tail = new TopicTail<>(bootstrap, Topics.COMPLETIONS, bytes -> serdes.completions.deserialize(Topics.COMPLETIONS, bytes));
    }

    /** The request's Completion (the first, should there be more). */
    public Completion await(String requestId, Duration timeout) {
        return tail.await(r -> r.value() != null && r.value().getRequestId().equals(requestId), timeout).value();
    }

    /** Every Completion of the request seen so far. */
    public List<Completion> all(String requestId) {
        return tail.records().stream().map(TopicTail.Rec::value).filter(Objects::nonNull)
                .filter(c -> c.getRequestId().equals(requestId)).toList();
    }

    @Override
    public void close() {
        tail.close();
    }
}
