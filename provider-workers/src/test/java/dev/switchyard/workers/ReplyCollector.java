package dev.switchyard.workers;

import dev.switchyard.events.Completion;
import dev.switchyard.events.ReplyChunk;
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
import java.util.function.Supplier;

/**
 * Reads every reply chunk and completion produced after it started (all partitions, from the end, no group), so
 * tests can wait for a request's output and check which partition it landed on.
 */
final class ReplyCollector implements AutoCloseable {
    record Chunk(int partition, ReplyChunk chunk) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventSerdes serdes;
    private final Map<String, List<Chunk>> chunks = new HashMap<>();
    private final Map<String, Completion> completions = new HashMap<>();
    private final Map<String, Integer> completionCounts = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    ReplyCollector(String bootstrap, EventSerdes serdes) {
        this.serdes = serdes;
        this.consumer = new KafkaConsumer<>(new KafkaSettings(bootstrap, "it").consumer(null, "collector"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.REPLIES, Topics.COMPLETIONS)) {
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = new Thread(this::run, "reply-collector");
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    synchronized (this) {
                        if (record.topic().equals(Topics.REPLIES)) {
                            ReplyChunk chunk = serdes.replies.deserialize(record.topic(), record.value());
                            chunks.computeIfAbsent(chunk.getRequestId(), k -> new ArrayList<>()).add(new Chunk(record.partition(), chunk));
                        } else {
                            Completion completion = serdes.completions.deserialize(record.topic(), record.value());
                            completions.put(completion.getRequestId(), completion);
                            completionCounts.merge(completion.getRequestId(), 1, Integer::sum);
                        }
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

    synchronized List<Chunk> chunks(String requestId) {
        return List.copyOf(chunks.getOrDefault(requestId, List.of()));
    }

    /** Every chunk of the request, once its final chunk arrived. */
    List<Chunk> awaitFinal(String requestId, Duration timeout) {
        return await(() -> {
            List<Chunk> list = chunks.get(requestId);
            return list != null && list.stream().anyMatch(c -> c.chunk().getFinal$()) ? List.copyOf(list) : null;
        }, timeout, "final reply chunk of " + requestId);
    }

    /** How many Completions of the request were published (exactly one, unless a request ran twice). */
    synchronized int completions(String requestId) {
        return completionCounts.getOrDefault(requestId, 0);
    }

    Completion awaitCompletion(String requestId, Duration timeout) {
        return await(() -> completions.get(requestId), timeout, "completion of " + requestId);
    }

    private synchronized <T> T await(Supplier<T> probe, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value;
        while ((value = probe.get()) == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for the " + what + "; chunks so far: " + chunks.keySet().size());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
        return value;
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
