package dev.switchyard.ingress.providers;

import dev.switchyard.events.ProviderHealth;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.CompactedTopicReader;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.AvroSerde;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest {@code provider.health} record of every provider/model: the compacted topic, read from its beginning by
 * an assign-only consumer on its own thread (no group: every ingress instance keeps the whole, small, table). The
 * provider workers publish what they observe (circuit transitions, Retry-Afters); this is the view
 * {@code GET /router/v1/providers/health} serves.
 */
public final class ProviderHealthView implements AutoCloseable {
    private final Map<String, ProviderHealth> latest = new ConcurrentHashMap<>();
    private final CompactedTopicReader<ProviderHealth> reader;

    public ProviderHealthView(KafkaSettings kafka, AvroSerde<ProviderHealth> serde, String clientId) {
        this.reader = new CompactedTopicReader<>(
                new KafkaConsumer<>(kafka.consumer(null, clientId), new StringDeserializer(), new ByteArrayDeserializer()),
                Topics.PROVIDER_HEALTH, serde, clientId, this::apply);
    }

    public ProviderHealthView start() {
        reader.start();
        return this;
    }

    /** Every provider/model some worker reported on. */
    public List<ProviderHealth> all() {
        return List.copyOf(latest.values());
    }

    /** Read up to where the topic was when the view started. */
    public boolean isCaughtUp() {
        return reader.isCaughtUp();
    }

    private void apply(String model, ProviderHealth health) {
        if (health == null) {
            latest.remove(model);
        } else {
            latest.put(model, health);
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
