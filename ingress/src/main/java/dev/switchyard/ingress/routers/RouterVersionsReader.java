package dev.switchyard.ingress.routers;

import dev.switchyard.events.RouterConfig;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.AvroSerde;
import dev.switchyard.schemas.kafka.WholeTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A router's version history, read on demand from the compacted {@code router.versions} topic (key
 * {@code <id>@<version>}, so compaction keeps every version): an assign-only consumer reads from the beginning up to
 * the end offsets taken when it starts. History is asked for rarely; keeping it all in memory would not pay. Blocking:
 * call it from a worker thread.
 */
public final class RouterVersionsReader {
    private static final Logger LOG = LoggerFactory.getLogger(RouterVersionsReader.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaSettings kafka;
    private final AvroSerde<RouterConfig> serde;
    private final String clientId;
    private final AtomicInteger readers = new AtomicInteger();

    public RouterVersionsReader(KafkaSettings kafka, AvroSerde<RouterConfig> serde, String clientId) {
        this.kafka = kafka;
        this.serde = serde;
        this.clientId = clientId;
    }

    /** Every recorded version of {@code routerId}, oldest first (empty if it never existed). */
    public List<RouterConfig> versions(String routerId) {
        String prefix = routerId + "@";
        TreeMap<Long, RouterConfig> byVersion = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer(null, clientId + "-" + readers.incrementAndGet()))) {
            Map<TopicPartition, Long> end = WholeTopic.assignFromBeginning(consumer, Topics.ROUTER_VERSIONS, READ_TIMEOUT);
            Instant giveUp = Instant.now().plus(READ_TIMEOUT);
            while (!WholeTopic.reached(consumer, end)) {
                if (Instant.now().isAfter(giveUp)) {
                    throw new IllegalStateException("reading " + Topics.ROUTER_VERSIONS + " took longer than " + READ_TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() == null || !record.key().startsWith(prefix) || record.value() == null) {
                        continue;
                    }
                    try {
                        RouterConfig version = serde.deserialize(record.topic(), record.value());
                        byVersion.put(version.getVersion(), version);
                    } catch (RuntimeException e) {
                        LOG.error("skipping unreadable router version {} at offset {}: {}", record.key(), record.offset(), e.getMessage());
                    }
                }
            }
        }
        return List.copyOf(byVersion.values());
    }
}
