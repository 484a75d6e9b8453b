package dev.switchyard.core.router;

import dev.switchyard.events.RouterConfig;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.CompactedTopicReader;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.AvroSerde;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
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
    private final CompactedTopicReader<RouterConfig> reader;

    /** A router changed: {@code current} is null when it was deleted. */
    public record RouterChange(String routerId, RouterConfig current) {
    }

    public RouterConfigStore(KafkaSettings kafka, AvroSerde<RouterConfig> serde, String clientId) {
        this.reader = new CompactedTopicReader<>(
                new KafkaConsumer<>(kafka.consumer(null, clientId), new StringDeserializer(), new ByteArrayDeserializer()),
                Topics.ROUTER_CONFIGS, serde, "router-config-store", this::apply)
                .whenCaughtUp(() -> LOG.info("router configs loaded: {} routers", routers.size()));
    }

    public RouterConfigStore start() {
        reader.start();
        return this;
    }

    /** Blocks until every router that existed at start-up is loaded. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return reader.awaitCaughtUp(timeout);
    }

    /** Blocks until every {@code router.configs} record before {@code offsets} is applied; false after {@code timeout}. */
    public boolean awaitRead(Map<TopicPartition, Long> offsets, Duration timeout) throws InterruptedException {
        return reader.awaitRead(offsets, timeout);
    }

    public boolean isCaughtUp() {
        return reader.isCaughtUp();
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

    @Override
    public void close() {
        reader.close();
    }
}
