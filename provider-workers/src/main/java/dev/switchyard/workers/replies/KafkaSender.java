package dev.switchyard.workers.replies;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Hands records to the worker's producer from one thread of its own. {@code KafkaProducer.send} blocks its caller
 * while the partition's metadata is unknown (a broker restarting, a leader moving) for up to {@code max.block.ms}; on a
 * Vert.x event loop that would stall every request on it, timers and cancellations included. One thread keeps the
 * order of the records (chunks of a request, then its Completion). The queue is bounded: when Kafka is unreachable for
 * long, new records fail at once (their requests end unpublished and are redelivered) instead of filling the memory.
 */
public final class KafkaSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSender.class);

    private record Pending(ProducerRecord<String, byte[]> record, CompletableFuture<Void> acked) {
    }

    private final Producer<String, byte[]> producer;
    private final BlockingQueue<Pending> queue;
    private final Thread thread;
    private volatile boolean running = true;

    public KafkaSender(Producer<String, byte[]> producer, int capacity, String name) {
        this.producer = producer;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues the record; the future completes when the broker acknowledged it (or fails). Never blocks. */
    public CompletableFuture<Void> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(record, acked))) {
            acked.completeExceptionally(new RejectedExecutionException(
                    running ? "the Kafka send queue is full (is the broker reachable?)" : "the worker is stopping"));
        }
        return acked;
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            Pending next;
            try {
                next = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (next == null) {
                continue;
            }
            CompletableFuture<Void> acked = next.acked();
            try {
                producer.send(next.record(), (metadata, e) -> {
                    if (e != null) {
                        acked.completeExceptionally(e);
                    } else {
                        acked.complete(null);
                    }
                });
            } catch (RuntimeException e) {
                LOG.warn("cannot send to {}: {}", next.record().topic(), e.toString());
                acked.completeExceptionally(e);
            }
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.acked().completeExceptionally(new RejectedExecutionException("the worker stopped"));
        }
    }

    /** Sends what is queued, then stops (the producer itself is closed by its owner, after this). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
