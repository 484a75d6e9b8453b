package dev.switchyard.schemas.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Commit bookkeeping for consumers that finish records out of order (asynchronous provider calls, requests waiting
 * for their router). A partition's committable offset is the lowest offset still in flight, or one past the last
 * finished offset when nothing is: so a crash re-delivers every unfinished record and no finished one is lost.
 * Not thread-safe: call it from the consumer's thread.
 */
public final class OffsetTracker {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetTracker.class);
    /**
     * Asynchronous commits at most this often. Every commit is a write to __consumer_offsets on the broker: once per
     * poll it was one broker write per request and stage at load. Waiting costs nothing but redelivering (never losing)
     * up to this much work after a crash, which redelivery already handles.
     */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);

    private final Map<TopicPartition, TreeSet<Long>> inFlight = new HashMap<>();
    private final Map<TopicPartition, Long> nextAfterFinished = new HashMap<>();
    private final Map<TopicPartition, Long> lastCommitted = new HashMap<>();
    private final long commitIntervalNanos;
    private long lastAsyncCommitNanos;

    public OffsetTracker() {
        this(DEFAULT_COMMIT_INTERVAL);
    }

    public OffsetTracker(Duration commitInterval) {
        this.commitIntervalNanos = commitInterval.toNanos();
        this.lastAsyncCommitNanos = System.nanoTime() - commitIntervalNanos;
    }

    public void started(TopicPartition partition, long offset) {
        inFlight.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
    }

    public void finished(TopicPartition partition, long offset) {
        TreeSet<Long> offsets = inFlight.get(partition);
        if (offsets != null) {
            offsets.remove(offset);
        }
        nextAfterFinished.merge(partition, offset + 1, Math::max);
    }

    public int inFlightCount() {
        int n = 0;
        for (TreeSet<Long> offsets : inFlight.values()) {
            n += offsets.size();
        }
        return n;
    }

    /** Offsets that advanced since the last call; committing them is safe. */
    public Map<TopicPartition, OffsetAndMetadata> takeCommittable() {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> entry : nextAfterFinished.entrySet()) {
            TopicPartition partition = entry.getKey();
            TreeSet<Long> offsets = inFlight.get(partition);
            long committable = offsets == null || offsets.isEmpty() ? entry.getValue() : offsets.first();
            Long previous = lastCommitted.get(partition);
            if (previous == null || committable > previous) {
                result.put(partition, new OffsetAndMetadata(committable));
                lastCommitted.put(partition, committable);
            }
        }
        return result;
    }

    /**
     * Commits what {@link #takeCommittable()} allows on {@code consumer} (its owning thread): synchronously before a
     * rebalance or close, asynchronously (at most once per commit interval) otherwise. A failed commit is only logged:
     * a later commit covers it, and until then the records are redelivered rather than lost.
     */
    public void commitTo(Consumer<?, ?> consumer, boolean sync) {
        if (!sync) {
            long now = System.nanoTime();
            if (now - lastAsyncCommitNanos < commitIntervalNanos) {
                return;
            }
            lastAsyncCommitNanos = now;
        }
        Map<TopicPartition, OffsetAndMetadata> committable = takeCommittable();
        if (committable.isEmpty()) {
            return;
        }
        try {
            if (sync) {
                consumer.commitSync(committable, Duration.ofSeconds(5));
            } else {
                consumer.commitAsync(committable, (o, e) -> {
                    if (e != null) {
                        LOG.warn("offset commit failed (a later commit covers it): {}", e.toString());
                    }
                });
            }
        } catch (RuntimeException e) {
            LOG.warn("offset commit failed: {}", e.toString());
        }
    }

    /** Forget partitions this consumer no longer owns: their records will be redelivered to the new owner. */
    public void revoked(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            inFlight.remove(partition);
            nextAfterFinished.remove(partition);
            lastCommitted.remove(partition);
        }
    }
}
