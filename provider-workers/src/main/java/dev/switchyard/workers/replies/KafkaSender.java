package dev.switchyard.workers.replies;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 *
 * <p>Records sent with {@link #sendSoon} may be held back for up to {@code hold}, so that those of many requests
 * reach the producer together and share its produce requests (each costs the broker and the consumers about the same
 * whatever it carries). A record sent with {@link #send} goes at once, after the held records with its key (its
 * request's earlier chunks, a failed-over attempt's included), so the records of one key reach the producer in the
 * order of the calls whatever their kind; other keys' held records keep waiting rather than travel ahead of it.
 */
public final class KafkaSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSender.class);
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Held records that go out at once, without waiting for the hold to end. A batch this size already spares most of
     * the per-request cost; at high rates it fills long before the hold ends, and holding more would only lengthen the
     * waits and the bursts ingress gets.
     */
    private static final int MAX_HELD = 8;

    private record Pending(ProducerRecord<String, byte[]> record, CompletableFuture<Void> acked, boolean mayWait) {
    }

    private final Producer<String, byte[]> producer;
    private final BlockingQueue<Pending> queue;
    private final long holdNanos;
    private final List<Pending> held = new ArrayList<>();
    private final Thread thread;
    private volatile int heldCount;
    private volatile boolean running = true;

    public KafkaSender(Producer<String, byte[]> producer, int capacity, String name) {
        this(producer, capacity, name, Duration.ZERO);
    }

    public KafkaSender(Producer<String, byte[]> producer, int capacity, String name, Duration hold) {
        this.producer = producer;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.holdNanos = hold.toNanos();
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues the record to go out at once; the future completes when the broker acknowledged it (or fails). Never blocks. */
    public CompletableFuture<Void> send(ProducerRecord<String, byte[]> record) {
        return enqueue(record, false);
    }

    /** Like {@link #send}, but the record may wait up to the hold for others to travel with. */
    public CompletableFuture<Void> sendSoon(ProducerRecord<String, byte[]> record) {
        return enqueue(record, holdNanos > 0);
    }

    private CompletableFuture<Void> enqueue(ProducerRecord<String, byte[]> record, boolean mayWait) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(record, acked, mayWait))) {
            acked.completeExceptionally(new RejectedExecutionException(
                    running ? "the Kafka send queue is full (is the broker reachable?)" : "the worker is stopping"));
        }
        return acked;
    }

    private void run() {
        long releaseAt = 0;
        while (running || !queue.isEmpty() || !held.isEmpty()) {
            // Never blocks longer than the idle poll: close() is noticed within it, even with records held.
            long wait = held.isEmpty() ? IDLE_POLL_NANOS : Math.min(IDLE_POLL_NANOS, releaseAt - System.nanoTime());
            Pending next;
            try {
                next = wait > 0 && running ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (next == null) {
                if (!held.isEmpty() && (!running || System.nanoTime() - releaseAt >= 0)) {
                    releaseHeld();
                }
                continue;
            }
            if (!next.mayWait()) {
                releaseHeldWithKeyOf(next);
                hand(next);
                continue;
            }
            long now = System.nanoTime();
            if (held.isEmpty()) {
                releaseAt = now + holdNanos;
            }
            held.add(next);
            heldCount = held.size();
            // Checked on every record too: while the queue never empties, the poll above never comes back empty.
            if (held.size() >= MAX_HELD || now - releaseAt >= 0) {
                releaseHeld();
            }
        }
        releaseHeld();
        Pending left;
        while ((left = queue.poll()) != null) {
            left.acked().completeExceptionally(new RejectedExecutionException("the worker stopped"));
        }
    }

    /** The held records of the urgent one's key, in order (all of them for a record without a key). */
    private void releaseHeldWithKeyOf(Pending urgent) {
        Object key = urgent.record().key();
        if (key == null) {
            releaseHeld();
            return;
        }
        for (Iterator<Pending> it = held.iterator(); it.hasNext(); ) {
            Pending pending = it.next();
            if (key.equals(pending.record().key())) {
                hand(pending);
                it.remove();
            }
        }
        heldCount = held.size();
    }

    private void releaseHeld() {
        for (Pending pending : held) {
            hand(pending);
        }
        held.clear();
        heldCount = 0;
    }

    private void hand(Pending next) {
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

    /** Records held back right now (for tests). */
    int heldCount() {
        return heldCount;
    }

    /** Sends what is queued or held, then stops (the producer itself is closed by its owner, after this). */
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
