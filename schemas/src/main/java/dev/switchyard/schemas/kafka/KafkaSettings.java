package dev.switchyard.schemas.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;

/**
 * Client settings every service uses. Producers are idempotent with acks=all ("nothing acknowledged is lost");
 * consumers never auto-commit (a consumer commits only what it has finished). Linger and fetch wait are small
 * because every hop sits on a user's time to first token.
 *
 * @param sharedProducer null: every {@link #openProducer} makes a producer of its own; else the process's
 *                       {@link SharedProducer} that every stage leases ({@link #sharingOneProducer()})
 */
public record KafkaSettings(String bootstrapServers, String clientIdPrefix, SharedProducer sharedProducer) {
    /**
     * The largest record Switchyard produces and its topics take (their {@code max.message.bytes}): a request carries
     * the client's whole body (images and PDFs inline, base64), and Kafka's 1 MB default refused a 2 MB one. Below
     * the producer's 32 MiB buffer, so one such record never waits for the whole buffer.
     */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    public KafkaSettings(String bootstrapServers, String clientIdPrefix) {
        this(bootstrapServers, clientIdPrefix, null);
    }

    /** These settings, with every {@link #openProducer} a lease on one producer (stages that share a process). */
    public KafkaSettings sharingOneProducer() {
        return new KafkaSettings(bootstrapServers, clientIdPrefix, SharedProducer.of(this));
    }

    /**
     * A producer with the {@link #producer} settings for one stage: its own, or a lease on the shared one. Either way
     * the stage closes it when it stops.
     */
    public Producer<String, byte[]> openProducer(String clientId) {
        return sharedProducer != null ? sharedProducer.lease() : new KafkaProducer<>(producer(clientId));
    }

    public Map<String, Object> producer(String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // No compression: with lz4 every small reply chunk paid a checksum on a fresh batch (JFR's hottest method).
        // linger 0: linger 1 ms halved one hop's latency at 5,000 records/s (benchmark --kafka-what-if) but added
        // ~4-8 ms to the end-to-end TTFT p50 at 50-200 streaming rps (three hops plus every chunk), the common case.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    public Map<String, Object> consumer(String groupId, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + clientId);
        if (groupId != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A dead instance's partitions move after 10 s instead of Kafka's default 45 s: its requests wait that long.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }
}
