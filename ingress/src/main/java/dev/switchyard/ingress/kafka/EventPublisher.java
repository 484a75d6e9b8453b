package dev.switchyard.ingress.kafka;

import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Control;
import dev.switchyard.events.ControlAction;
import dev.switchyard.events.Feedback;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.EventSerdes;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What ingress writes to Kafka on a request's path (requests, cancellations, feedback; router changes are
 * {@code routers.RouterWriter}'s transactions), through one idempotent acks=all producer (its own, or the process's
 * shared one). Sends complete a future on the producer's I/O thread: callers hop back to their Vert.x context before
 * touching a response.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final List<String> WRITTEN = List.of(Topics.REQUESTS, Topics.CONTROL, Topics.FEEDBACK);

    private final Producer<String, byte[]> producer;
    private final EventSerdes serdes;
    private volatile boolean healthy;

    public EventPublisher(KafkaSettings kafka, EventSerdes serdes, String clientId) {
        this.producer = kafka.openProducer(clientId);
        this.serdes = serdes;
    }

    /**
     * Registers the schemas and loads the metadata of every topic ingress writes, so that no send made on an event
     * loop blocks on a registry call or a metadata fetch. Throws if Kafka or the registry is unreachable.
     */
    public void warmUp(Duration timeout) {
        serdes.requests.registerFor(Topics.REQUESTS);
        serdes.control.registerFor(Topics.CONTROL);
        serdes.feedback.registerFor(Topics.FEEDBACK);
        for (String topic : WRITTEN) {
            if (producer.partitionsFor(topic).isEmpty()) {
                throw new IllegalStateException("topic " + topic + " has no partitions");
            }
        }
        healthy = true;
    }

    /** False after a failed send until the next successful one. */
    public boolean isHealthy() {
        return healthy;
    }

    public CompletableFuture<RecordMetadata> publishRequest(ChatRequest request) {
        return send(Topics.REQUESTS, request.getRequestId(), () -> serdes.requests.serialize(Topics.REQUESTS, request));
    }

    public CompletableFuture<RecordMetadata> publishCancel(String requestId, String reason) {
        Control control = new Control(requestId, ControlAction.CANCEL, reason, Instant.now());
        return send(Topics.CONTROL, requestId, () -> serdes.control.serialize(Topics.CONTROL, control));
    }

    /** An outcome on llm.feedback, keyed by request id, else {@code <router>|<user>} (the caller's choice of key). */
    public CompletableFuture<RecordMetadata> publishFeedback(String key, Feedback feedback) {
        return send(Topics.FEEDBACK, key, () -> serdes.feedback.serialize(Topics.FEEDBACK, feedback));
    }

    private CompletableFuture<RecordMetadata> send(String topic, String key, Supplier<byte[]> value) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, key, value.get()), (metadata, error) -> {
                if (error != null) {
                    healthy = false;
                    LOG.warn("send to {} (key {}) failed: {}", topic, key, error.toString());
                    result.completeExceptionally(error);
                } else {
                    healthy = true;
                    result.complete(metadata);
                }
            });
        } catch (RuntimeException e) { // serialisation, buffer full for max.block.ms, producer closed, ...
            healthy = false;
            LOG.warn("send to {} (key {}) refused: {}", topic, key, e.toString());
            result.completeExceptionally(e);
        }
        return result;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
