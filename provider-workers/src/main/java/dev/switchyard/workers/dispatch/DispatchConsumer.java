package dev.switchyard.workers.dispatch;

import dev.switchyard.events.Dispatch;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.OffsetTracker;
import dev.switchyard.schemas.serde.AvroSerde;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
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
 *
 * <p>When a rebalance moves a partition to another worker (one joined or left; the group uses the cooperative sticky
 * assignor, so only moving partitions are revoked) the requests still running for it are handed over without running
 * twice: one that is already answering keeps streaming here and its offset is committed as done, since the new owner
 * could only restart it and break the answer the client is reading; one that has not answered yet is abandoned here,
 * silently, and the new owner runs it from the committed offset. Partitions lost without a clean revocation (the
 * group forgot this worker: a broker restart, a long pause) can't be committed: if the next assignment gives them back,
 * their requests keep running (the records fetched again join them); if not, they are abandoned to the new owner.
 *
 * <p>A request whose answer could not be published (the reply or the Completion refused or not acknowledged) is run
 * again here, after 1, 4 and 16 s, while its partition stays here: left uncommitted, it would hold back the commits
 * of every later request on its partition until the next rebalance, and then all of them would run twice. A re-run
 * past the request's deadline calls no provider: it publishes the deadline error and its Completion. After three
 * re-runs it is given up (logged) and committed, so that one unpublishable answer never stalls a partition.
 */
public final class DispatchConsumer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchConsumer.class);

    /** What the consumer asks the pipeline about running requests when their partition moves. */
    public interface Handover {
        /** Whether the request's answer has started reaching its client. */
        boolean answering(String requestId);

        /** Stop the request without publishing anything: the partition's new owner runs it. */
        void abandon(String requestId);

        Handover NONE = new Handover() {
            @Override
            public boolean answering(String requestId) {
                return false;
            }

            @Override
            public void abandon(String requestId) {
            }
        };
    }

    private record Finished(TopicPartition partition, long offset, int generation) {
    }

    /** A dispatch to run (again at {@code dueNanos}); {@code reruns}: how often it ran before, 0 on its first run. */
    private record Job(TopicPartition partition, long offset, int generation, Dispatch dispatch, int reruns, long dueNanos) {
    }

    static final int MAX_RERUNS = 3;
    static final Duration FIRST_RERUN_AFTER = Duration.ofSeconds(1);

    private final Consumer<String, byte[]> consumer;
    private final AvroSerde<Dispatch> serde;
    private final Function<Dispatch, CompletableFuture<Void>> pipeline;
    private final int maxInFlight;
    private final Handover handover;
    /** Requests handed to the pipeline and not finished, per partition: offset → request id. This thread only. */
    private final Map<TopicPartition, Map<Long, String>> running = new HashMap<>();
    private final ConcurrentLinkedQueue<Finished> ended = new ConcurrentLinkedQueue<>();
    /** Partitions lost without a revocation, waiting for the next assignment to tell whether they came back. */
    private final java.util.Set<TopicPartition> lost = new java.util.HashSet<>();
    private final OffsetTracker offsets = new OffsetTracker();
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Job> unpublished = new ConcurrentLinkedQueue<>();
    /** Re-runs waiting for their time. This thread only. */
    private final List<Job> reruns = new ArrayList<>();
    private final Duration firstRerunAfter;
    /** Bumped per partition on every assignment, so a request finishing after its partition moved is ignored. */
    private final Map<TopicPartition, Integer> generations = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean polling = true;
    private volatile boolean stopping;
    private volatile boolean draining;
    private volatile boolean assigned;
    private boolean paused;

    public DispatchConsumer(Consumer<String, byte[]> consumer, AvroSerde<Dispatch> serde,
                            Function<Dispatch, CompletableFuture<Void>> pipeline, int maxInFlight) {
        this(consumer, serde, pipeline, maxInFlight, Handover.NONE);
    }

    public DispatchConsumer(Consumer<String, byte[]> consumer, AvroSerde<Dispatch> serde,
                            Function<Dispatch, CompletableFuture<Void>> pipeline, int maxInFlight, Handover handover) {
        this(consumer, serde, pipeline, maxInFlight, handover, FIRST_RERUN_AFTER);
    }

    DispatchConsumer(Consumer<String, byte[]> consumer, AvroSerde<Dispatch> serde,
                     Function<Dispatch, CompletableFuture<Void>> pipeline, int maxInFlight, Handover handover,
                     Duration firstRerunAfter) {
        this.firstRerunAfter = firstRerunAfter;
        this.consumer = consumer;
        this.serde = serde;
        this.pipeline = pipeline;
        this.maxInFlight = maxInFlight;
        this.handover = handover;
    }

    /** Joined the group and got partitions (an instance may legitimately have none when there are more workers). */
    public boolean isAssigned() {
        return assigned;
    }

    public boolean isRunning() {
        return polling;
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
        stopping = true; // what still runs now was abandoned by the shutdown: never commit past it
        polling = false;
        consumer.wakeup();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.DISPATCH), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    drainFinished();
                    if (!stopping) {
                        handOver(partitions);
                    }
                    commit(true);
                    offsets.revoked(partitions);
                    partitions.forEach(generations::remove);
                    partitions.forEach(running::remove);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    partitions.forEach(p -> generations.merge(p, 1, Integer::sum));
                    if (paused) {
                        consumer.pause(partitions);
                    }
                    settleLost(partitions);
                    assigned = true;
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    // Not committable any more; whether they come back to this worker (a broker restart, a long pause)
                    // or went to another one shows at the next assignment: decided then.
                    offsets.revoked(partitions);
                    partitions.forEach(generations::remove);
                    lost.addAll(partitions);
                }
            });
            while (polling) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    handle(record);
                }
                drainFinished();
                rerunDue();
                applyBackpressure();
                commit(false);
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("dispatch consumer stopped", e);
        } finally {
            polling = false;
            stopping = true;
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
        run(new Job(partition, record.offset(), generation, dispatch, 0, 0));
    }

    private void run(Job job) {
        inFlight.incrementAndGet();
        running.computeIfAbsent(job.partition(), p -> new HashMap<>()).put(job.offset(), job.dispatch().getRequest().getRequestId());
        pipeline.apply(job.dispatch()).whenComplete((v, e) -> {
            inFlight.decrementAndGet();
            if (e == null) {
                finished.add(new Finished(job.partition(), job.offset(), job.generation()));
            } else if (e instanceof CancellationException || e.getCause() instanceof CancellationException) {
                // Abandoned (shutdown, handover): uncommitted, so the partition's next owner runs it.
                ended.add(new Finished(job.partition(), job.offset(), job.generation()));
            } else {
                long wait = firstRerunAfter.toNanos() << (2 * job.reruns()); // 1, 4, 16 s
                unpublished.add(new Job(job.partition(), job.offset(), job.generation(), job.dispatch(), job.reruns() + 1,
                        System.nanoTime() + wait));
            }
        });
    }

    /** Starts the re-runs that are due, on partitions still assigned in the same generation. */
    private void rerunDue() {
        if (reruns.isEmpty() || stopping || draining) {
            return; // at shutdown they stay uncommitted: redelivered after the restart
        }
        long now = System.nanoTime();
        for (Iterator<Job> it = reruns.iterator(); it.hasNext(); ) {
            Job r = it.next();
            if (generations.getOrDefault(r.partition(), -1) != r.generation()) {
                it.remove(); // moved to another worker, which runs it from the committed offset
            } else if (now - r.dueNanos() >= 0) {
                it.remove();
                LOG.warn("request {}: running it again ({} of {}) since its answer was not published",
                        r.dispatch().getRequest().getRequestId(), r.reruns(), MAX_RERUNS);
                run(r);
            }
        }
    }

    private void drainFinished() {
        Finished f;
        while ((f = finished.poll()) != null) {
            forget(f.partition(), f.offset());
            if (generations.getOrDefault(f.partition(), -1) == f.generation()) {
                offsets.finished(f.partition(), f.offset());
            }
        }
        while ((f = ended.poll()) != null) {
            forget(f.partition(), f.offset());
        }
        Job r;
        while ((r = unpublished.poll()) != null) {
            forget(r.partition(), r.offset());
            if (generations.getOrDefault(r.partition(), -1) != r.generation()) {
                continue;
            }
            if (r.reruns() > MAX_RERUNS) {
                LOG.error("request {}: its answer could not be published after {} re-runs; giving it up so that the "
                        + "requests after it on {} are committed", r.dispatch().getRequest().getRequestId(), MAX_RERUNS,
                        r.partition());
                offsets.finished(r.partition(), r.offset());
            } else {
                reruns.add(r);
            }
        }
    }

    private void forget(TopicPartition partition, long offset) {
        Map<Long, String> ofPartition = running.get(partition);
        if (ofPartition != null) {
            ofPartition.remove(offset);
        }
    }

    /**
     * After a loss: requests of partitions that came back keep running (their records are fetched again and join
     * them); those of partitions now owned elsewhere are abandoned, since the new owner runs them again anyway.
     */
    private void settleLost(Collection<TopicPartition> assignedNow) {
        for (TopicPartition partition : lost) {
            if (!assignedNow.contains(partition)) {
                Map<Long, String> ofPartition = running.remove(partition);
                if (ofPartition != null && !ofPartition.isEmpty()) {
                    LOG.warn("{} was lost to another worker: abandoning its {} running requests", partition, ofPartition.size());
                    ofPartition.values().forEach(handover::abandon);
                }
            }
        }
        lost.clear();
    }

    /**
     * See the class comment: requests of partitions moving to another worker finish here or there, never both. A
     * committed offset is one position, so every running request up to the last one that is answering stays here
     * (committed as done: the new owner starts after them); the ones after it are abandoned for the new owner.
     */
    private void handOver(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            Map<Long, String> ofPartition = running.getOrDefault(partition, Map.of());
            long keepUpTo = -1;
            for (Map.Entry<Long, String> request : ofPartition.entrySet()) {
                if (handover.answering(request.getValue())) {
                    keepUpTo = Math.max(keepUpTo, request.getKey());
                }
            }
            for (Job r : reruns) {
                if (r.partition().equals(partition) && r.offset() < keepUpTo) {
                    // Committed past with the answering requests after it: its re-run is given up, not passed on.
                    LOG.error("{} moves to another worker; request {}, whose answer was not published, is given up",
                            partition, r.dispatch().getRequest().getRequestId());
                    offsets.finished(partition, r.offset());
                }
            }
            for (Map.Entry<Long, String> request : new TreeMap<>(ofPartition).entrySet()) {
                if (request.getKey() <= keepUpTo) {
                    LOG.info("{} moves to another worker; request {} finishes here (an answer is streaming)", partition,
                            request.getValue());
                    offsets.finished(partition, request.getKey());
                } else {
                    LOG.info("{} moves to another worker; request {} had not answered yet: its new owner runs it",
                            partition, request.getValue());
                    handover.abandon(request.getValue());
                }
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
        offsets.commitTo(consumer, sync);
    }
}
