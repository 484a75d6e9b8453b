package dev.switchyard.ingress.routers;

import dev.switchyard.core.router.RouterConfigStore;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.WholeTopic;
import dev.switchyard.schemas.serde.EventSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes router changes so that, across every ingress instance, the changes of one router are serialised: each
 * change is a Kafka transaction of {@code router.configs} + {@code router.versions} under the transactional id
 * {@code switchyard-router-admin-<router id>}. Opening it fences any other instance's change of that router still in
 * flight (its commit fails, its records are never read: the stores read committed records only); the change is then
 * computed from the store once the store has read everything {@code router.configs} held at that moment, so it builds
 * on every change committed before. A fenced change answers 409 and writes nothing; the client reads and retries.
 * A commit that fails without saying whether it took effect is settled by reading the router back: 200 if it did, 409
 * if another change got there, 503 if neither (nothing was written).
 * A change costs a producer start and a transaction (0.15-0.18 s here): fine for an admin API.
 */
final class RouterWriter {
    private static final Logger LOG = LoggerFactory.getLogger(RouterWriter.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final String TRANSACTIONAL_ID_PREFIX = "switchyard-router-admin-";

    /** What a change writes: the router's new current version (null: deleted) and its entry in the history. */
    record Write(RouterConfig current, RouterConfig version) {
    }

    /** Computes the write from the router's current version (empty: no such router); may throw {@link ApiException}. */
    @FunctionalInterface
    interface Change {
        Write apply(Optional<RouterConfig> current) throws InterruptedException;
    }

    /** Sends a change's records and commits them (a seam: tests fail it before or after the commit took effect). */
    @FunctionalInterface
    interface Commit {
        void run(KafkaProducer<String, byte[]> producer, String routerId, Write write);
    }

    private final KafkaSettings kafka;
    private final EventSerdes serdes;
    private final RouterConfigStore store;
    private final String clientId;
    private final Commit commit;

    RouterWriter(KafkaSettings kafka, EventSerdes serdes, RouterConfigStore store, String clientId) {
        this(kafka, serdes, store, clientId, null);
    }

    /** @param commit how a change is committed; null: {@link #commit}, the real one */
    RouterWriter(KafkaSettings kafka, EventSerdes serdes, RouterConfigStore store, String clientId, Commit commit) {
        this.kafka = kafka;
        this.serdes = serdes;
        this.store = store;
        this.clientId = clientId;
        this.commit = commit != null ? commit : this::commit;
    }

    /** Runs {@code change} under the router's lease, commits what it returns, and shows it to the local store. */
    Write write(String routerId, Change change) throws InterruptedException {
        KafkaProducer<String, byte[]> producer = transactionalProducer(routerId);
        try {
            producer.initTransactions(); // fences this router's change of any other instance
            awaitStoreUpToDate();
            Optional<RouterConfig> before = store.get(routerId);
            Write write = change.apply(before);
            try {
                commit.run(producer, routerId, write);
            } catch (ProducerFencedException | InvalidProducerEpochException e) {
                throw concurrentChange(routerId, e);
            } catch (KafkaException e) {
                // Under transactions V2 a commit that races another instance's fencing can also fail with "an
                // unexpected error" from the coordinator, and then it may or may not have committed: find out.
                settle(routerId, write, before, e);
            }
            if (write.current() == null) {
                store.offerDeletion(routerId);
            } else {
                store.offer(write.current());
            }
            return write;
        } catch (KafkaException e) {
            LOG.warn("router {} change not written: {}", routerId, e.toString());
            throw outcomeUnknown();
        } finally {
            // Nothing of it is pending by now (committed, fenced or settled): a plain close would try to abort a
            // transaction a settled change left begun, with a fenced epoch, for seconds.
            producer.close(Duration.ZERO);
        }
    }

    private KafkaProducer<String, byte[]> transactionalProducer(String routerId) {
        Map<String, Object> props = kafka.producer(clientId + "-" + routerId);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID_PREFIX + routerId);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(props);
    }

    void commit(KafkaProducer<String, byte[]> producer, String routerId, Write write) {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(Topics.ROUTER_CONFIGS, routerId,
                serdes.routerConfigs.serialize(Topics.ROUTER_CONFIGS, write.current())));
        RouterConfig version = write.version();
        producer.send(new ProducerRecord<>(Topics.ROUTER_VERSIONS, version.getId() + "@" + version.getVersion(),
                serdes.routerConfigs.serialize(Topics.ROUTER_VERSIONS, version)));
        producer.commitTransaction();
    }

    /**
     * Returns if a commit that failed without a verdict did commit after all; else throws what the client should get.
     * Opening the router's transactional id again ends whatever the failed commit left open (committed or aborted, no
     * longer pending), and the store, read to the end, then holds the router as it is.
     */
    private void settle(String routerId, Write write, Optional<RouterConfig> before, KafkaException failure)
            throws InterruptedException {
        try (KafkaProducer<String, byte[]> settler = transactionalProducer(routerId)) {
            settler.initTransactions();
        } catch (KafkaException e) {
            LOG.warn("router {} change not settled after {}: {}", routerId, failure.toString(), e.toString());
            throw outcomeUnknown();
        }
        awaitStoreUpToDate();
        Optional<RouterConfig> now = store.get(routerId);
        if (write.current() == null ? now.isEmpty() : now.filter(write.current()::equals).isPresent()) {
            LOG.info("router {} change committed despite {}", routerId, failure.toString());
            return;
        }
        if (!now.equals(before)) {
            throw concurrentChange(routerId, failure);
        }
        LOG.warn("router {} change not written: {}", routerId, failure.toString());
        throw unavailable("Kafka refused the transaction (" + failure.getMessage() + ")");
    }

    private static ApiException concurrentChange(String routerId, KafkaException cause) {
        LOG.info("router {} change lost to a concurrent one: {}", routerId, cause.toString());
        return new ApiException(409, "invalid_request_error", null, "concurrent_change",
                "router '" + routerId + "' was changed by another request at the same time; read it and retry");
    }

    /**
     * Waits until the store has read every router.configs record written before now. The end offsets (high
     * watermarks) are taken after this change fenced its router's others; records of other routers' transactions
     * still open there hold the last stable offset back, so it first waits for those to end (milliseconds), lest the
     * store miss a committed change of this router that sits behind them.
     */
    private void awaitStoreUpToDate() throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            admin.describeTopics(List.of(Topics.ROUTER_CONFIGS)).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .get(Topics.ROUTER_CONFIGS).partitions()
                    .forEach(p -> partitions.put(new TopicPartition(Topics.ROUTER_CONFIGS, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> written = offsets(admin, partitions, IsolationLevel.READ_UNCOMMITTED);
            while (!WholeTopic.reached(offsets(admin, partitions, IsolationLevel.READ_COMMITTED), written)) {
                if (System.nanoTime() > deadline) {
                    throw unavailable("a transaction on router.configs stayed open");
                }
                Thread.sleep(10); // another router's change is between its records and its commit
            }
            if (!store.awaitRead(written, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                throw unavailable("the router store did not catch up with router.configs");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable("Kafka did not answer: " + e.getMessage());
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Map<TopicPartition, OffsetSpec> partitions,
                                                     IsolationLevel isolation)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(partitions, new ListOffsetsOptions(isolation)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private static ApiException outcomeUnknown() {
        return new ApiException(503, "api_error", null, "unavailable",
                "The router change could not be written to Kafka; it may or may not have applied. Read the router and retry.");
    }

    private static ApiException unavailable(String why) {
        return new ApiException(503, "api_error", null, "unavailable", "The router change was not made: " + why + "; retry.");
    }
}
