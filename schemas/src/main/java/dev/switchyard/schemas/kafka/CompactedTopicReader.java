package dev.switchyard.schemas.kafka;

import dev.switchyard.schemas.serde.AvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads a compacted state topic whole, on its own thread and without a consumer group, from the beginning and then as
 * it grows, handing every record to {@code apply} (a tombstone as a null value): router configs, provider health.
 * {@link #isCaughtUp()} once it has read what was on the topic when it started, which is when its owner knows the
 * state. A record it cannot decode or apply is logged and skipped: one bad record must not stop the state being read.
 *
 * @param <V> the records' value type
 */
public final class CompactedTopicReader<V extends SpecificRecord> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicReader.class);

    /** What one record says: the key's value now, or null when the key was deleted. */
    public interface Apply<V> {
        void apply(String key, V value);
    }

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final AvroSerde<V> serde;
    private final Apply<V> apply;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private Runnable onCaughtUp = () -> { };
    private volatile boolean running = true;
    /** Where the reader is on each partition after its last poll: everything before has been applied. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();

    public CompactedTopicReader(Consumer<String, byte[]> consumer, String topic, AvroSerde<V> serde, String threadName,
                                Apply<V> apply) {
        this.consumer = consumer;
        this.topic = topic;
        this.serde = serde;
        this.apply = apply;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /** Runs once, on the reader's thread, when it has caught up. Set before {@link #start()}. */
    public CompactedTopicReader<V> whenCaughtUp(Runnable action) {
        this.onCaughtUp = action;
        return this;
    }

    public CompactedTopicReader<V> start() {
        thread.start();
        return this;
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** Blocks until the reader has caught up; false if it has not within {@code timeout}. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Blocks until the reader has applied every record before {@code offsets} (per partition, e.g. a topic's end
     * offsets taken just now); false if it has not within {@code timeout}.
     */
    public boolean awaitRead(Map<TopicPartition, Long> offsets, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (positions) {
            while (!WholeTopic.reached(positions, offsets)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !running) {
                    return false;
                }
                positions.wait(left);
            }
            return true;
        }
    }

    /** False once the reader has stopped (closed, or failed: its owner is then not ready). */
    public boolean isRunning() {
        return running;
    }

    private void run() {
        try {
            Map<TopicPartition, Long> endAtStart = WholeTopic.assignFromBeginning(consumer, topic, Duration.ofSeconds(30));
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    applyRecord(record);
                }
                synchronized (positions) {
                    for (TopicPartition partition : consumer.assignment()) {
                        positions.put(partition, consumer.position(partition));
                    }
                    positions.notifyAll();
                }
                if (caughtUp.getCount() > 0 && reached(endAtStart)) {
                    caughtUp.countDown();
                    onCaughtUp.run();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("{} reader stopped", topic, e);
        } finally {
            running = false;
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        synchronized (positions) {
            return WholeTopic.reached(positions, end);
        }
    }

    private void applyRecord(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return; // not state of anything
        }
        try {
            apply.apply(record.key(), record.value() == null ? null : serde.deserialize(record.topic(), record.value()));
        } catch (RuntimeException e) {
            LOG.error("skipping {} record {} at {}@{}: {}", topic, record.key(), record.partition(), record.offset(), e.toString());
        }
    }

    /** Stops reading and waits (up to 5 s) for the thread to close its consumer. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
