package dev.switchyard.engine.pipeline;

import dev.switchyard.events.ChatRequest;
import org.apache.kafka.common.TopicPartition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * Requests that name a router this instance has not seen yet (it may have been created a moment ago on another
 * ingress). They wait, uncommitted, until the router appears or their wait is over. Consumer-thread only.
 */
final class WaitingRequests {

    record Waiting(String routerId, TopicPartition partition, long offset, ChatRequest request, Instant until) {
    }

    private final List<Waiting> waiting = new ArrayList<>();

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    void add(String routerId, TopicPartition partition, long offset, ChatRequest request, Instant until) {
        waiting.add(new Waiting(routerId, partition, offset, request, until));
    }

    List<Waiting> takeFor(String routerId) {
        return take(w -> w.routerId().equals(routerId));
    }

    List<Waiting> takeExpired(Instant now) {
        return take(w -> !w.until().isAfter(now));
    }

    void dropPartitions(Collection<TopicPartition> partitions) {
        waiting.removeIf(w -> partitions.contains(w.partition()));
    }

    private List<Waiting> take(java.util.function.Predicate<Waiting> which) {
        List<Waiting> taken = new ArrayList<>();
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (which.test(w)) {
                taken.add(w);
                it.remove();
            }
        }
        return taken;
    }
}
