package dev.switchyard.schemas.kafka;

import dev.switchyard.schemas.Topics;
import dev.switchyard.testsupport.conditions.Await;
import dev.switchyard.testsupport.services.SharedServices;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Switchyard's topics on a real broker: what they are created with, and what start-up sets on older ones. */
class TopicProvisionerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static long limit(Admin admin, String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            return Long.parseLong(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                    .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyTopicTakesRecordsOfSeveralMegabytesAndAnOlderTopicIsRaisedToTheLimit() throws Exception {
        String bootstrap = SharedServices.kafka().bootstrapServers();
        TopicProvisioner.ensureTopics(bootstrap, TopicLayout.defaults());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            // A topic made before the limit existed: the broker's 1 MB default.
            ConfigResource feedback = new ConfigResource(ConfigResource.Type.TOPIC, Topics.FEEDBACK);
            admin.incrementalAlterConfigs(Map.of(feedback, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1048588"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            // The broker applies a committed config change from its metadata log a moment later.
            Await.until(WAIT, () -> limit(admin, Topics.FEEDBACK), l -> l == 1048588, "the 1 MB limit to apply");

            TopicProvisioner.ensureTopics(bootstrap, TopicLayout.defaults());

            for (String topic : Topics.ALL) {
                Await.until(WAIT, () -> limit(admin, topic), l -> l >= KafkaSettings.MAX_RECORD_BYTES, topic + "'s limit");
            }
        }
        // A 3 MB request (an inline PDF) is accepted by the producer and the broker.
        KafkaSettings kafka = new KafkaSettings(bootstrap, "provisioner-it");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("big"))) {
            producer.send(new ProducerRecord<>(Topics.REQUESTS, "big", new byte[3 * 1024 * 1024])).get(30, TimeUnit.SECONDS);
        }
    }
}
