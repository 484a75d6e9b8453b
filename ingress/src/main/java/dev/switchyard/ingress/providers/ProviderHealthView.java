package dev.switchyard.ingress.providers;

import dev.switchyard.events.ProviderHealth;
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
    private static final Logger LOG = LoggerFactory.getLogger(ProviderHealthView.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<ProviderHealth> serde;
    private final Map<String, ProviderHealth> latest = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;

    public ProviderHealthView(KafkaSettings kafka, AvroSerde<ProviderHealth> serde, String clientId) {
        this.consumer = new KafkaConsumer<>(kafka.consumer(null, clientId), new StringDeserializer(), new ByteArrayDeserializer());
        this.serde = serde;
        this.thread = new Thread(this::run, clientId);
        this.thread.setDaemon(true);
    }

    public ProviderHealthView start() {
        thread.start();
        return this;
    }

    /** Every provider/model some worker reported on. */
    public List<ProviderHealth> all() {
        return List.copyOf(latest.values());
    }

    /** Read up to where the topic was when the view started. */
    public boolean isCaughtUp() {
        return caughtUp;
    }

    private void run() {
        try {
            Map<TopicPartition, Long> end = WholeTopic.assignFromBeginning(consumer, Topics.PROVIDER_HEALTH, Duration.ofSeconds(30));
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() == null) {
                        continue;
                    }
                    if (record.value() == null) {
                        latest.remove(record.key());
                        continue;
                    }
                    try {
                        latest.put(record.key(), serde.deserialize(record.topic(), record.value()));
                    } catch (RuntimeException e) {
                        LOG.error("skipping unreadable provider health {} at offset {}: {}", record.key(), record.offset(), e.getMessage());
                    }
                }
                if (!caughtUp && WholeTopic.reached(consumer, end)) {
                    caughtUp = true;
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("provider.health view stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
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
