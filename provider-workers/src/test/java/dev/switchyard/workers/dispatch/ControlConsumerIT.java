package dev.switchyard.workers.dispatch;

import dev.switchyard.events.Control;
import dev.switchyard.events.ControlAction;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.conditions.Await;
import dev.switchyard.testsupport.services.SharedServices;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Which CANCELs a worker that starts now sees, against a real broker. */
@Timeout(60)
@ExtendWith(SharedServices.class)
class ControlConsumerIT {

    @Test
    void aWorkerStartingNowSeesTheCancelsOfTheLookBackButNotOlderOnes() throws Exception {
        String bootstrap = SharedServices.kafka().bootstrapServers();
        TopicProvisioner.ensureTopics(bootstrap, TopicLayout.defaults());
        EventSerdes serdes = new EventSerdes(SharedServices.registry().url());
        KafkaSettings kafka = new KafkaSettings(bootstrap, "it");
        String old = "old-" + UUID.randomUUID();
        String recent = "recent-" + UUID.randomUUID();
        String live = "live-" + UUID.randomUUID();
        String partitionKey = UUID.randomUUID().toString(); // one partition: the old record comes before the recent one
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("control-it"), new StringSerializer(),
                new ByteArraySerializer())) {
            Instant longAgo = Instant.now().minus(ControlConsumer.LOOK_BACK).minusSeconds(60);
            producer.send(new ProducerRecord<>(Topics.CONTROL, null, longAgo.toEpochMilli(), partitionKey,
                    cancel(serdes, old, longAgo))).get();
            // Sent while no worker ran: the client of a request another worker held went away.
            producer.send(new ProducerRecord<>(Topics.CONTROL, partitionKey, cancel(serdes, recent, Instant.now()))).get();

            List<String> seen = new CopyOnWriteArrayList<>();
            ControlConsumer control = new ControlConsumer(new KafkaConsumer<>(kafka.consumer(null, "control-it"),
                    new StringDeserializer(), new ByteArrayDeserializer()), serdes.control, (requestId, reason) -> seen.add(requestId));
            Thread thread = new Thread(control, "control-it");
            thread.start();
            try {
                Await.until(Duration.ofSeconds(30), () -> seen.contains(recent), s -> s, "the recent CANCEL");
                Await.until(Duration.ofSeconds(30), control::isPositioned, p -> p, "the consumer to be positioned");
                producer.send(new ProducerRecord<>(Topics.CONTROL, partitionKey, cancel(serdes, live, Instant.now()))).get();
                Await.until(Duration.ofSeconds(30), () -> seen.contains(live), s -> s, "a CANCEL sent now");

                assertThat(seen).doesNotContain(old);
            } finally {
                control.stop();
                thread.join(10_000);
            }
        }
    }

    private static byte[] cancel(EventSerdes serdes, String requestId, Instant at) {
        return serdes.control.serialize(Topics.CONTROL, new Control(requestId, ControlAction.CANCEL, "client_disconnected", at));
    }
}
