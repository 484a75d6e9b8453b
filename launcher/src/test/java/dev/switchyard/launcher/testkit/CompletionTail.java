package dev.switchyard.launcher.testkit;

import dev.switchyard.events.Completion;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.EventSerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every Completion published after it started (all partitions, from the end, no group), by request id. */
public final class CompletionTail implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final EventSerdes serdes;
    private final Map<String, List<Completion>> completions = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public CompletionTail(String bootstrap, EventSerdes serdes) {
        this.serdes = serdes;
        this.consumer = new KafkaConsumer<>(new KafkaSettings(bootstrap, "test").consumer(null, "completions-tail"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(Topics.COMPLETIONS)) {
            partitions.add(new TopicPartition(Topics.COMPLETIONS, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = new Thread(this::run, "completion-tail");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    Completion completion = serdes.completions.deserialize(record.topic(), record.value());
                    synchronized (this) {
                        completions.computeIfAbsent(completion.getRequestId(), k -> new ArrayList<>()).add(completion);
                        notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** The request's Completion (the first, should there be more). */
    public synchronized Completion await(String requestId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!completions.containsKey(requestId)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no Completion for " + requestId + " within " + timeout);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
        return completions.get(requestId).get(0);
    }

    /** Every Completion of the request seen so far. */
    public synchronized List<Completion> all(String requestId) {
        return List.copyOf(completions.getOrDefault(requestId, List.of()));
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
