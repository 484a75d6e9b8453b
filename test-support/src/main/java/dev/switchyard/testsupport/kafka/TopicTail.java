package dev.switchyard.testsupport.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads a topic from its current end onwards (assign-only, every partition), so a test sees exactly the records
 * produced after it started watching. Tombstones arrive with a null value. Used by integration tests of every module.
 */
public final class TopicTail<T> implements AutoCloseable {
    /** One record: key, partition, decoded value (null for a tombstone). */
    public record Rec<T>(String key, int partition, T value) {
    }

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Function<byte[], T> decode;
    private final List<Rec<T>> records = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public TopicTail(String bootstrap, String topic, Function<byte[], T> decode) {
        this.topic = topic;
        this.decode = decode;
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), // what every Switchyard consumer sees
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve now: records produced from here on are seen
        thread = new Thread(this::run, "tail-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    records.add(new Rec<>(record.key(), record.partition(), record.value() == null ? null : decode.apply(record.value())));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    public List<Rec<T>> records() {
        return List.copyOf(records);
    }

    /** The first record matching, waiting up to {@code timeout}. */
    public Rec<T> await(Predicate<Rec<T>> matching, Duration timeout) {
        Instant giveUp = Instant.now().plus(timeout);
        while (Instant.now().isBefore(giveUp)) {
            for (Rec<T> record : records) {
                if (matching.test(record)) {
                    return record;
                }
            }
            try {
                Thread.sleep(5); // polling a condition, not synchronising on time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no matching record on " + topic + " within " + timeout + "; saw " + records.size() + " records");
    }

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
