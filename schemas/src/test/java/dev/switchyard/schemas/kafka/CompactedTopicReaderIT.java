package dev.switchyard.schemas.kafka;

import dev.switchyard.events.ReplyAddress;
import dev.switchyard.schemas.registry.SchemaRegistryClient;
import dev.switchyard.schemas.serde.AvroSerde;
import dev.switchyard.testsupport.services.SharedServices;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The reader against a real broker and registry: state, tombstones, a bad record, catching up, then live records. */
class CompactedTopicReaderIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void readsTheWholeTopicSkipsWhatItCannotDecodeAndKeepsReading() throws Exception {
        String topic = "compacted-reader-" + UUID.randomUUID();
        SharedServices.kafka().createTopics(2, topic);
        AvroSerde<ReplyAddress> serde = new AvroSerde<>(ReplyAddress.class, new SchemaRegistryClient(SharedServices.registry().url()));
        KafkaSettings kafka = new KafkaSettings(SharedServices.kafka().bootstrapServers(), "reader-it");
        Map<String, ReplyAddress> state = new ConcurrentHashMap<>();

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("reader-it"), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "a", serde.serialize(topic, new ReplyAddress("r", 1))));
            producer.send(new ProducerRecord<>(topic, "b", serde.serialize(topic, new ReplyAddress("r", 2))));
            producer.send(new ProducerRecord<>(topic, "garbage", new byte[]{7, 1, 2} /* not the Confluent wire format */));
            producer.send(new ProducerRecord<>(topic, "a", null)); // a deleted
            producer.send(new ProducerRecord<>(topic, null, serde.serialize(topic, new ReplyAddress("r", 9)))); // no key: no state
            producer.send(new ProducerRecord<>(topic, "c", serde.serialize(topic, new ReplyAddress("r", 3)))).get();

            try (CompactedTopicReader<ReplyAddress> reader = new CompactedTopicReader<>(
                    new KafkaConsumer<>(kafka.consumer(null, "reader-it"), new StringDeserializer(), new ByteArrayDeserializer()),
                    topic, serde, "reader-it", (key, value) -> {
                        if (value == null) {
                            state.remove(key);
                        } else {
                            state.put(key, value);
                        }
                    }).start()) {
                assertThat(reader.awaitCaughtUp(WAIT)).isTrue();
                assertThat(state).containsOnlyKeys("b", "c");
                assertThat(state.get("c").getPartition()).isEqualTo(3);

                producer.send(new ProducerRecord<>(topic, "b", serde.serialize(topic, new ReplyAddress("r", 20)))).get();
                waitUntil(() -> state.get("b").getPartition() == 20);
                assertThat(reader.isRunning()).isTrue();
            }
        }
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", WAIT).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
