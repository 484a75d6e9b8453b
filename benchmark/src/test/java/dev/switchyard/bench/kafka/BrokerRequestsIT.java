package dev.switchyard.bench.kafka;

import dev.switchyard.testsupport.services.FreePorts;
import dev.switchyard.testsupport.services.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A real broker, started as the benchmark starts it, counts the produce requests it served. */
@Timeout(120)
class BrokerRequestsIT {

    @Test
    void countsTheProduceRequestsABrokerServed(@TempDir Path dir) throws Exception {
        int jmxPort = FreePorts.find();
        List<String> jvm = new ArrayList<>(List.of("-Xmx256m"));
        jvm.addAll(BrokerRequests.jvmOptions(jmxPort));
        try (KafkaBroker broker = KafkaBroker.builder().dataDir(dir).jvmArgs(jvm.toArray(String[]::new)).build().start();
             BrokerRequests requests = new BrokerRequests(jmxPort)) {
            broker.createTopics(1, "counted");
            long before = requests.served().getOrDefault("Produce", 0L);

            Map<String, Object> props = new HashMap<>(broker.clientConfig());
            props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>("counted", "k", "v" + i)).get(); // one produce request each
                }
            }

            assertThat(requests.served().get("Produce") - before).isEqualTo(5);
            assertThat(requests.served()).containsKey("Metadata"); // every kind it served, not only produce requests
        }
    }
}
