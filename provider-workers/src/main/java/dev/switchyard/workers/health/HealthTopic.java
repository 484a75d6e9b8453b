package dev.switchyard.workers.health;

import dev.switchyard.events.ProviderHealth;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.serde.AvroSerde;
import dev.switchyard.schemas.kafka.WholeTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import dev.switchyard.workers.replies.KafkaSender;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/**
 * The worker's side of the compacted {@code provider.health} topic (key: provider/model). {@link #publish} sends
 * what this worker observed; {@link #run()} (its own thread) reads every record from the beginning, this worker's own
 * included, and applies it to the {@link HealthBook}, so every worker skips a model any of them found unhealthy.
 * {@link #isCaughtUp()} once it has read what was on the topic when it started: a worker is ready only then, so it
 * does not hammer a provider the others already know is down.
 */
public final class HealthTopic implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthTopic.class);

    private final KafkaSender sender;
    private final Consumer<String, byte[]> consumer;
    private final AvroSerde<ProviderHealth> serde;
    private final HealthBook book;
    private volatile boolean running = true;
    private volatile boolean caughtUp;

    public HealthTopic(KafkaSender sender, Consumer<String, byte[]> consumer, AvroSerde<ProviderHealth> serde,
                       HealthBook book) {
        this.sender = sender;
        this.consumer = consumer;
        this.serde = serde;
        this.book = book;
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
        return caughtUp;
    }

    public boolean isRunning() {
        return running;
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void run() {
        try {
            Map<TopicPartition, Long> end = WholeTopic.assignFromBeginning(consumer, Topics.PROVIDER_HEALTH, Duration.ofSeconds(30));
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        continue; // tombstone: nothing known about it
                    }
                    try {
                        book.apply(serde.deserialize(record.topic(), record.value()));
                    } catch (RuntimeException e) {
                        LOG.error("skipping unreadable provider health {} at offset {}: {}", record.key(), record.offset(), e.getMessage());
                    }
                }
                if (!caughtUp && WholeTopic.reached(consumer, end)) {
                    caughtUp = true;
                    LOG.debug("provider.health read up to {}", end);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("provider.health consumer stopped", e);
        } finally {
            running = false;
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
