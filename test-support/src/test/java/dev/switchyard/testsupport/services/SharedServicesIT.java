package dev.switchyard.testsupport.services;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(SharedServices.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SharedServicesIT {

    @Test
    void bothServicesAreUpAndShared() throws Exception {
        KafkaBroker kafka = SharedServices.kafka();
        SchemaRegistry registry = SharedServices.registry();
        System.out.println("Shared services: Kafka started in " + kafka.lastStartTime().toMillis()
                + " ms, registry in " + registry.lastStartTime().toMillis() + " ms (in parallel)");
        assertThat(kafka.isRunning()).isTrue();
        assertThat(registry.isRunning()).isTrue();
        assertThat(SharedServices.kafka()).isSameAs(kafka);
        assertThat(SharedServices.registry()).isSameAs(registry);

        kafka.createTopics(1, "shared-services-it");
        KafkaBrokerIT.produce(kafka, "shared-services-it", "hello");
        assertThat(KafkaBrokerIT.consume(kafka, "shared-services-it", 1)).containsExactly("hello");

        HttpResponse<String> subjects = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registry.url() + "/subjects")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(subjects.statusCode()).isEqualTo(200);
    }
}
