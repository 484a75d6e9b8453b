package dev.switchyard.testsupport.services;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaBrokerIT {

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void keepsRecordsAcrossRestartKillAndANewInstance(@TempDir Path dir) throws Exception {
        // After a kill the restarted controller waits out the old registration's session before it accepts the
        // broker again (9 s by default): shorten it for this test.
        KafkaBroker kafka = KafkaBroker.builder().dataDir(dir).brokerProperty("broker.session.timeout.ms", "3000")
                .brokerProperty("broker.heartbeat.interval.ms", "500").build();
        try {
            kafka.start();
            System.out.println("Kafka broker started in " + kafka.lastStartTime().toMillis() + " ms");
            assertThat(kafka.isRunning()).isTrue();
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
            kafka.createTopics(1, "t1");
            produce(kafka, "t1", "v1");
            assertThat(consume(kafka, "t1", 1)).containsExactly("v1");

            int port = kafka.port();
            kafka.restart();
            System.out.println("Kafka broker restarted in " + kafka.lastStartTime().toMillis() + " ms");
            assertThat(kafka.port()).isEqualTo(port);
            assertThat(consume(kafka, "t1", 1)).containsExactly("v1");

            produce(kafka, "t1", "v2");
            kafka.kill();
            assertThat(kafka.isRunning()).isFalse();
            kafka.start();
            System.out.println("Kafka broker started after kill in " + kafka.lastStartTime().toMillis() + " ms");
            assertThat(consume(kafka, "t1", 2)).containsExactly("v1", "v2");
        } finally {
            kafka.close();
        }
        assertThat(kafka.isRunning()).isFalse();
        assertThat(dir).exists(); // a given data dir is kept
        assertThat(Files.readString(kafka.logFile())).contains("already formatted");

        // What ./switchyard up does: a new broker (new random ports) on the same data directory.
        try (KafkaBroker again = KafkaBroker.builder().dataDir(dir).start()) {
            assertThat(consume(again, "t1", 2)).containsExactly("v1", "v2");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void temporaryDataDirIsDeletedOnClose() {
        KafkaBroker kafka = KafkaBroker.builder().numPartitions(3).start();
        Path dir = kafka.dataDir();
        try {
            kafka.createTopics(2, "two");
            assertThat(Files.exists(dir.resolve("server.properties"))).isTrue();
        } finally {
            kafka.close();
        }
        assertThat(dir).doesNotExist();
    }

    static void produce(KafkaBroker kafka, String topic, String value) throws Exception {
        Map<String, Object> cfg = kafka.clientConfig();
        cfg.put("acks", "all");
        cfg.put("enable.idempotence", "true");
        try (KafkaProducer<String, String> p = new KafkaProducer<>(cfg, new StringSerializer(),
                new StringSerializer())) {
            p.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
        }
    }

    static List<String> consume(KafkaBroker kafka, String topic, int n) {
        Map<String, Object> cfg = kafka.clientConfig();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cfg, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> parts = List.of(new TopicPartition(topic, 0));
            c.assign(parts);
            c.seekToBeginning(parts);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
            return values;
        }
    }
}
