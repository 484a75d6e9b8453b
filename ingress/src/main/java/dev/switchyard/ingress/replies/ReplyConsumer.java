package dev.switchyard.ingress.replies;

import dev.switchyard.events.ReplyChunk;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.AvroSerde;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one consumer of {@code llm.replies} in this instance. It is a member of the ingress consumer group, so every
 * reply partition has exactly one owning instance; this instance names only partitions it owns in its requests'
 * {@code reply_to}, so instances never read each other's replies. On every assignment it seeks to the end (replies
 * from before this instance owned the partition answer someone else's requests) and resolves that position before the
 * partition is offered as a reply address, so no reply to a request published afterwards can be skipped.
 */
public final class ReplyConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyConsumer.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<ReplyChunk> serde;
    private final PendingRequests pending;
    private final Thread thread;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private volatile List<Integer> partitions = List.of();
    private volatile boolean running = true;
    private volatile boolean failed;

    public ReplyConsumer(KafkaSettings kafka, String groupId, String clientId, AvroSerde<ReplyChunk> serde, PendingRequests pending) {
        Map<String, Object> props = kafka.consumer(groupId, clientId);
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        this.consumer = new KafkaConsumer<>(props);
        this.serde = serde;
        this.pending = pending;
        this.thread = new Thread(this::run, clientId);
        this.thread.setDaemon(true);
    }

    public ReplyConsumer start() {
        thread.start();
        return this;
    }

    /** The reply partitions this instance owns now (sorted). */
    public List<Integer> partitions() {
        return partitions;
    }

    /** Ready when it owns at least one reply partition (an instance without one cannot be answered). */
    public boolean isReady() {
        return !failed && !partitions.isEmpty();
    }

    /** One of the owned partitions, spreading requests over them; empty when none is owned. */
    public OptionalInt nextReplyPartition() {
        List<Integer> owned = partitions;
        if (owned.isEmpty()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(owned.get(Math.floorMod(roundRobin.getAndIncrement(), owned.size())));
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.REPLIES), new Rebalance());
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    ReplyChunk chunk;
                    try {
                        chunk = serde.deserialize(record.topic(), record.value());
                    } catch (RuntimeException e) {
                        LOG.error("skipping unreadable reply {} at {}-{}@{}: {}", record.key(), record.topic(),
                                record.partition(), record.offset(), e.getMessage());
                        continue;
                    }
                    if (chunk != null && !pending.dispatch(chunk)) {
                        LOG.debug("reply for {} has no waiting request here (finished, cancelled or timed out)", chunk.getRequestId());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failed = true;
            LOG.error("reply consumer stopped: requests of this instance can no longer be answered", e);
        } finally {
            partitions = List.of();
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing the reply consumer: {}", e.toString());
            }
        }
    }

    /** Runs on the consumer thread, inside poll(). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (assigned.isEmpty()) {
                return;
            }
            consumer.seekToEnd(assigned);
            for (TopicPartition partition : assigned) {
                consumer.position(partition); // resolve the lazy seek now, before the partition is handed out
            }
            TreeSet<Integer> owned = new TreeSet<>(partitions);
            assigned.forEach(p -> owned.add(p.partition()));
            partitions = List.copyOf(owned);
            LOG.info("reply partitions now {} (assigned {})", partitions, numbers(assigned));
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            drop(revoked, "revoked");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            drop(lost, "lost");
        }

        private void drop(Collection<TopicPartition> gone, String how) {
            if (gone.isEmpty()) {
                return;
            }
            List<Integer> numbers = numbers(gone);
            TreeSet<Integer> owned = new TreeSet<>(partitions);
            owned.removeAll(numbers);
            partitions = List.copyOf(owned);
            LOG.info("reply partitions now {} ({} {})", partitions, how, numbers);
            pending.partitionsLost(numbers);
        }
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        List<Integer> numbers = new ArrayList<>();
        partitions.forEach(p -> numbers.add(p.partition()));
        return numbers;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
