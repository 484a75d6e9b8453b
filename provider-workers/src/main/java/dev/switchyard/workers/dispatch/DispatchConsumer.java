package dev.switchyard.workers.dispatch;

import dev.switchyard.events.Dispatch;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.OffsetTracker;
import dev.switchyard.schemas.serde.AvroSerde;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The Kafka side of the worker: one thread polls {@code llm.dispatch} in the workers' consumer group and hands each
 * record to the asynchronous pipeline without waiting for it. At most {@code maxInFlight} requests run at once:
 * at the limit every assigned partition is paused (the consumer keeps polling, so it stays in the group) and resumed
 * once requests finish. Offsets are committed only for finished requests ({@link OffsetTracker}), from this thread,
 * asynchronously after each poll and synchronously for revoked partitions, so a crash redelivers exactly the
 * unfinished work.
 */
public final class DispatchConsumer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchConsumer.class);

    private record Finished(TopicPartition partition, long offset, int generation) {
    }

    private final Consumer<String, byte[]> consumer;
    private final AvroSerde<Dispatch> serde;
    private final Function<Dispatch, CompletableFuture<Void>> pipeline;
    private final int maxInFlight;
    private final OffsetTracker offsets = new OffsetTracker();
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    /** Bumped per partition on every assignment, so a request finishing after its partition moved is ignored. */
    private final Map<TopicPartition, Integer> generations = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean running = true;
    private volatile boolean draining;
    private volatile boolean assigned;
    private boolean paused;

    public DispatchConsumer(Consumer<String, byte[]> consumer, AvroSerde<Dispatch> serde,
                            Function<Dispatch, CompletableFuture<Void>> pipeline, int maxInFlight) {
        this.consumer = consumer;
        this.serde = serde;
        this.pipeline = pipeline;
        this.maxInFlight = maxInFlight;
    }

    /** Joined the group and got partitions (an instance may legitimately have none when there are more workers). */
    public boolean isAssigned() {
        return assigned;
    }

    public boolean isRunning() {
        return running;
    }

    /** Requests handed to the pipeline and not finished yet. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Stop taking new dispatches (shutdown): partitions are paused, finished requests still get committed. */
    public void drain() {
        draining = true;
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.DISPATCH), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    drainFinished();
                    commit(true);
                    offsets.revoked(partitions);
                    partitions.forEach(generations::remove);
                    // Requests still running for these partitions keep going; the new owner gets their records again.
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    partitions.forEach(p -> generations.merge(p, 1, Integer::sum));
                    if (paused) {
                        consumer.pause(partitions);
                    }
                    assigned = true;
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    offsets.revoked(partitions);
                    partitions.forEach(generations::remove);
                }
            });
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    handle(record);
                }
                drainFinished();
                applyBackpressure();
                commit(false);
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("dispatch consumer stopped", e);
        } finally {
            running = false;
            try {
                drainFinished();
                commit(true);
            } catch (RuntimeException e) {
                LOG.warn("final commit failed: {}", e.toString());
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        int generation = generations.getOrDefault(partition, 0);
        offsets.started(partition, record.offset());
        Dispatch dispatch;
        try {
            dispatch = serde.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            // Poison record: nobody can answer it, and blocking the partition on it would stop everyone's traffic.
            LOG.error("skipping unreadable dispatch {} at {}@{}: {}", record.key(), partition, record.offset(), e.getMessage());
            offsets.finished(partition, record.offset());
            return;
        }
        inFlight.incrementAndGet();
        pipeline.apply(dispatch).whenComplete((v, e) -> {
            inFlight.decrementAndGet();
            if (e == null) {
                finished.add(new Finished(partition, record.offset(), generation));
            }
            // On failure the offset stays uncommitted: the dispatch is redelivered after a restart or rebalance.
        });
    }

    private void drainFinished() {
        Finished f;
        while ((f = finished.poll()) != null) {
            if (generations.getOrDefault(f.partition(), -1) == f.generation()) {
                offsets.finished(f.partition(), f.offset());
            }
        }
    }

    private void applyBackpressure() {
        int running = inFlight.get();
        if (draining) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (!paused && running >= maxInFlight) {
            consumer.pause(consumer.assignment());
            paused = true;
            LOG.debug("{} requests in flight: pausing llm.dispatch", running);
        } else if (paused && running < maxInFlight) {
            consumer.resume(consumer.assignment());
            paused = false;
        }
    }

    private void commit(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> committable = offsets.takeCommittable();
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
}
