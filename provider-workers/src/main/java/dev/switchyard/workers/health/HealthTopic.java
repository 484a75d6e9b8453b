package dev.switchyard.workers.health;

import dev.switchyard.events.ProviderHealth;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.CompactedTopicReader;
import dev.switchyard.schemas.serde.AvroSerde;
import dev.switchyard.workers.replies.KafkaSender;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of the compacted {@code provider.health} topic (key: provider/model). {@link #publish} sends
 * what this worker observed; its reader (its own thread) reads every record from the beginning, this worker's own
 * included, and applies it to the {@link HealthBook}, so every worker skips a model any of them found unhealthy.
 * {@link #isCaughtUp()} once it has read what was on the topic when it started: a worker is ready only then, so it
 * does not hammer a provider the others already know is down.
 */
public final class HealthTopic implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthTopic.class);

    private final KafkaSender sender;
    private final AvroSerde<ProviderHealth> serde;
    private final CompactedTopicReader<ProviderHealth> reader;

    public HealthTopic(KafkaSender sender, Consumer<String, byte[]> consumer, AvroSerde<ProviderHealth> serde,
                       HealthBook book, String threadName) {
        this.sender = sender;
        this.serde = serde;
        this.reader = new CompactedTopicReader<>(consumer, Topics.PROVIDER_HEALTH, serde, threadName, (model, health) -> {
            if (health != null) { // a tombstone: nothing known about it
                book.apply(health);
            }
        });
    }

    public HealthTopic start() {
        reader.start();
        return this;
    }

    /** Sends one observation (asynchronous; a failure is logged: the next transition is published anyway). */
    public void publish(ProviderHealth record) {
        byte[] value = serde.serialize(Topics.PROVIDER_HEALTH, record);
        sender.send(new ProducerRecord<>(Topics.PROVIDER_HEALTH, record.getModelId(), value)).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("cannot publish the health of {}: {}", record.getModelId(), e.toString());
            }
        });
    }

    public boolean isCaughtUp() {
        return reader.isCaughtUp();
    }

    public boolean isRunning() {
        return reader.isRunning();
    }

    /** Stops reading (publishing goes through the worker's sender, closed by its owner). */
    @Override
    public void close() {
        reader.close();
    }
}
