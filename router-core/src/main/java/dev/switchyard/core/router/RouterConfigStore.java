package dev.switchyard.core.router;

import dev.switchyard.events.RouterConfig;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.AvroSerde;
import dev.switchyard.schemas.kafka.WholeTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The current version of every router, materialised from the compacted {@code router.configs} topic (read from the
 * beginning, without a consumer group: every instance holds all routers). Changes apply within one poll, without a
 * restart. Listeners hear of each change (the routing engine recompiles; waiting requests re-check). A local
 * {@link #offer} lets the writer see its own write before the topic echoes it back.
 */
public final class RouterConfigStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterConfigStore.class);

    private final Map<String, RouterConfig> routers = new ConcurrentHashMap<>();
    private final List<Consumer<RouterChange>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<RouterConfig> serde;
    private final Thread thread;
    private volatile boolean running = true;

    /** A router changed: {@code current} is null when it was deleted. */
    public record RouterChange(String routerId, RouterConfig current) {
    }

    public RouterConfigStore(KafkaSettings kafka, AvroSerde<RouterConfig> serde, String clientId) {
        this.serde = serde;
        this.consumer = new KafkaConsumer<>(kafka.consumer(null, clientId), new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "router-config-store");
        this.thread.setDaemon(true);
    }

    public RouterConfigStore start() {
        thread.start();
        return this;
    }

    /** Blocks until every router that existed at start-up is loaded. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    public Optional<RouterConfig> get(String routerId) {
        return Optional.ofNullable(routers.get(routerId));
    }

    public Collection<RouterConfig> all() {
        return List.copyOf(routers.values());
    }

    public void addListener(Consumer<RouterChange> listener) {
        listeners.add(listener);
    }

    /** Applies a version this process just wrote; older versions than the one held are ignored. */
    public void offer(RouterConfig config) {
        apply(config.getId(), config);
    }

    /** Records a deletion this process just wrote. */
    public void offerDeletion(String routerId) {
        apply(routerId, null);
    }

    private void apply(String routerId, RouterConfig config) {
        if (config == null) {
            if (routers.remove(routerId) != null) {
                notifyListeners(new RouterChange(routerId, null));
            }
            return;
        }
        RouterConfig[] changed = new RouterConfig[1];
        routers.compute(routerId, (id, held) -> {
            if (held == null || config.getVersion() > held.getVersion()) {
                changed[0] = config;
                return config;
            }
            return held;
        });
        if (changed[0] != null) {
            notifyListeners(new RouterChange(routerId, changed[0]));
        }
    }

    private void notifyListeners(RouterChange change) {
        for (Consumer<RouterChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                LOG.warn("router change listener failed for {}", change.routerId(), e);
            }
        }
    }

    private void run() {
        try {
            Map<TopicPartition, Long> endAtStart = WholeTopic.assignFromBeginning(consumer, Topics.ROUTER_CONFIGS, Duration.ofSeconds(30));
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        RouterConfig config = serde.deserialize(record.topic(), record.value());
                        apply(record.key(), config);
                    } catch (RuntimeException e) {
                        LOG.error("skipping unreadable router config {} at {}@{}: {}", record.key(), record.partition(), record.offset(), e.getMessage());
                    }
                }
                if (caughtUp.getCount() > 0 && WholeTopic.reached(consumer, endAtStart)) {
                    caughtUp.countDown();
                    LOG.info("router configs loaded: {} routers", routers.size());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("router config store stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
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
