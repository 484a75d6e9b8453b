package dev.switchyard.engine.pipeline;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.core.router.RouterConfigStore;
import dev.switchyard.engine.routing.CompiledRouter;
import dev.switchyard.engine.routing.RequestRouter;
import dev.switchyard.engine.routing.RoutingDecision;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ReplyError;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.OffsetTracker;
import dev.switchyard.schemas.serde.EventSerdes;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The routing engine as a service: consumes {@code llm.requests} in a consumer group, routes each request with the
 * current version of its router (materialised from {@code router.configs}; changes apply without restart), and
 * publishes a {@code Dispatch} — or, for a request it cannot route, an error reply and its {@code Completion}.
 * A request naming a router this instance hasn't seen waits up to {@link EngineConfig#routerWait()} for it.
 * Offsets are committed only once the request's output is acknowledged by the broker.
 */
public final class RoutingEngineService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingEngineService.class);

    private final EngineConfig config;
    private final EventSerdes serdes;
    private final RouterConfigStore store;
    private final Map<String, CompiledRouter> compiled = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> changedRouters = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final RequestRouter router;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final OffsetTracker offsets = new OffsetTracker();
    private final WaitingRequests waiting = new WaitingRequests();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean assigned;

    private record Finished(TopicPartition partition, long offset) {
    }

    public RoutingEngineService(EngineConfig config, KafkaSettings kafka, EventSerdes serdes, ModelCatalog catalog) {
        this.config = config;
        this.serdes = serdes;
        this.store = new RouterConfigStore(kafka, serdes.routerConfigs, "engine-" + config.instanceId() + "-routers");
        this.store.addListener(change -> {
            if (change.current() == null) {
                compiled.remove(change.routerId());
            } else {
                try {
                    compiled.put(change.routerId(), CompiledRouter.compile(change.current()));
                } catch (RuntimeException e) {
                    LOG.error("router {} v{} does not compile; keeping the previous version", change.routerId(), change.current().getVersion(), e);
                }
            }
            changedRouters.add(change.routerId());
        });
        this.router = new RequestRouter(catalog, compiled::get);
        this.consumer = new KafkaConsumer<>(kafka.consumer(config.groupId(), "engine-" + config.instanceId()),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = kafka.openProducer("engine-" + config.instanceId());
        this.thread = new Thread(this::run, "routing-engine-" + config.instanceId());
    }

    public RoutingEngineService start() {
        serdes.dispatch.registerFor(Topics.DISPATCH);
        serdes.replies.registerFor(Topics.REPLIES);
        serdes.completions.registerFor(Topics.COMPLETIONS);
        store.start();
        thread.start();
        return this;
    }

    /** Ready once every existing router is loaded and the consumer has joined its group. */
    public boolean isReady() {
        return running && thread.isAlive() && store.isCaughtUp() && assigned;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.REQUESTS), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    drainFinished();
                    commit(true);
                    offsets.revoked(partitions);
                    waiting.dropPartitions(partitions); // the new owner gets them again
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned = true;
                }
            });
            while (running) {
                Duration pollTimeout = waiting.isEmpty() ? Duration.ofMillis(200) : Duration.ofMillis(20);
                for (ConsumerRecord<String, byte[]> record : consumer.poll(pollTimeout)) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    offsets.started(partition, record.offset());
                    handle(partition, record);
                }
                retryWaiting();
                drainFinished();
                commit(false);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("routing engine stopped", e);
        } finally {
            drainFinished();
            commit(true);
            consumer.close(Duration.ofSeconds(5));
            running = false;
        }
    }

    private void handle(TopicPartition partition, ConsumerRecord<String, byte[]> record) {
        ChatRequest request;
        try {
            request = serdes.requests.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            // Poison record: nobody can answer it, and blocking the partition on it would stop everyone's traffic.
            LOG.error("skipping unreadable request {} at {}@{}: {}", record.key(), partition, record.offset(), e.getMessage());
            offsets.finished(partition, record.offset());
            return;
        }
        route(partition, record.offset(), request);
    }

    private void route(TopicPartition partition, long offset, ChatRequest request) {
        Instant now = Instant.now();
        if (request.getDeadlineAt().isBefore(now)) {
            reject(partition, offset, request, error(504, "timeout_error", "deadline_exceeded",
                    "the request's deadline passed before it could be routed"), null);
            return;
        }
        RoutingDecision decision = router.route(request, now);
        if (decision instanceof RoutingDecision.Routed routed) {
            send(Topics.DISPATCH, request.getRequestId(), serdes.dispatch.serialize(Topics.DISPATCH, routed.dispatch()),
                    new PendingAcks(partition, offset, 1));
        } else if (decision instanceof RoutingDecision.Rejected rejected) {
            reject(partition, offset, request, rejected.error(), RequestRouter.routerIdOf(request.getModel()));
        } else if (decision instanceof RoutingDecision.AwaitingRouter awaiting) {
            waiting.add(awaiting.routerId(), partition, offset, request, now.plus(config.routerWait()));
        }
    }

    private void retryWaiting() {
        String routerId;
        while ((routerId = changedRouters.poll()) != null) {
            for (WaitingRequests.Waiting w : waiting.takeFor(routerId)) {
                route(w.partition(), w.offset(), w.request());
            }
        }
        for (WaitingRequests.Waiting w : waiting.takeExpired(Instant.now())) {
            reject(w.partition(), w.offset(), w.request(), RequestRouter.routerNotFound(w.routerId()), w.routerId());
        }
    }

    private void reject(TopicPartition partition, long offset, ChatRequest request, ReplyError error, String routerId) {
        LOG.info("request {} rejected: {} {}", request.getRequestId(), error.getStatus(), error.getMessage());
        PendingAcks done = new PendingAcks(partition, offset, 2);
        producer.send(new ProducerRecord<>(request.getReplyTo().getTopic(), request.getReplyTo().getPartition(),
                request.getRequestId(), serdes.replies.serialize(Topics.REPLIES, Rejections.replyOf(request, error))), done::acked);
        send(Topics.COMPLETIONS, request.getRequestId(), serdes.completions.serialize(Topics.COMPLETIONS,
                Rejections.completionOf(request, error, routerId, Instant.now())), done);
    }

    private void send(String topic, String key, byte[] value, PendingAcks done) {
        producer.send(new ProducerRecord<>(topic, key, value), done::acked);
    }

    /** Counts the acknowledgements a request's output needs; marks its offset finished on the last one. */
    private final class PendingAcks {
        private final TopicPartition partition;
        private final long offset;
        private final AtomicInteger pending;

        PendingAcks(TopicPartition partition, long offset, int sends) {
            this.partition = partition;
            this.offset = offset;
            this.pending = new AtomicInteger(sends);
        }

        void acked(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                // Not committed: the request is routed again after a restart or rebalance, never lost.
                LOG.error("cannot publish the routing of offset {} of {}: {}", offset, partition, exception.toString());
                return;
            }
            if (pending.decrementAndGet() == 0) {
                finished.add(new Finished(partition, offset));
            }
        }
    }

    private void drainFinished() {
        Finished f;
        while ((f = finished.poll()) != null) {
            offsets.finished(f.partition(), f.offset());
        }
    }

    private void commit(boolean sync) {
        offsets.commitTo(consumer, sync);
    }

    private static ReplyError error(int status, String type, String code, String message) {
        return ReplyError.newBuilder().setStatus(status).setType(type).setCode(code).setMessage(message).build();
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
        producer.close(Duration.ofSeconds(5));
        store.close();
    }
}
