package dev.switchyard.ingress.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.BreakerState;
import dev.switchyard.events.ProviderHealth;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.schemas.Topics;
import dev.switchyard.testsupport.services.SharedServices;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /router/v1/providers/health} serves the latest record per provider/model of the compacted
 * {@code provider.health} topic, which the test writes as the provider workers would.
 */
@ExtendWith(SharedServices.class)
@Timeout(120)
class ProviderHealthIT {
    private static IngressKit kit;
    private static IngressService ingress;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        kit = new IngressKit();
        ingress = kit.start(c -> c);
        producer = new KafkaProducer<>(kit.kafka.producer("workers"));
    }

    @AfterAll
    static void stop() {
        producer.close();
        ingress.close();
        kit.close();
    }

    @Test
    void servesEachModelsLatestCircuitAndRetryAfterState() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String open = "openai/gpt-open-" + suffix;
        String limited = "anthropic/claude-limited-" + suffix;
        String recovered = "google/gemini-recovered-" + suffix;
        Instant now = Instant.now();
        publish(health(open, BreakerState.OPEN, now.plusSeconds(30), 5, "5 consecutive failures, the last: 503 api_error: down", now));
        publish(health(limited, BreakerState.CLOSED, now.plusSeconds(20), 0, "Retry-After 20s (429)", now));
        publish(health(recovered, BreakerState.OPEN, now.plusSeconds(30), 5, "5 consecutive failures", now));
        publish(health(recovered, BreakerState.CLOSED, null, 0, "a probe request succeeded", now.plusMillis(1)));

        JsonNode openItem = awaitItem(open, item -> true);
        assertThat(openItem.get("provider").asText()).isEqualTo("openai");
        assertThat(openItem.get("state").asText()).isEqualTo("open");
        assertThat(openItem.get("available").asBoolean()).isFalse();
        assertThat(openItem.get("skipped_because").asText()).isEqualTo("circuit_open");
        assertThat(openItem.get("retry_after_seconds").asLong()).isPositive();
        assertThat(openItem.get("consecutive_failures").asInt()).isEqualTo(5);
        assertThat(openItem.get("reason").asText()).startsWith("5 consecutive failures");
        assertThat(openItem.get("observed_by").asText()).isEqualTo("worker-it");
        assertThat(Instant.parse(openItem.get("open_until").asText())).isAfter(now);

        JsonNode limitedItem = awaitItem(limited, item -> true);
        assertThat(limitedItem.get("state").asText()).isEqualTo("closed");
        assertThat(limitedItem.get("available").asBoolean()).isFalse();
        assertThat(limitedItem.get("skipped_because").asText()).isEqualTo("retry_after");

        JsonNode recoveredItem = awaitItem(recovered, item -> item.get("state").asText().equals("closed"));
        assertThat(recoveredItem.get("available").asBoolean()).isTrue();
        assertThat(recoveredItem.get("open_until").isNull()).isTrue();
        assertThat(recoveredItem.has("retry_after_seconds")).isFalse();

        HttpResponse<String> one = kit.get(ingress, "/router/v1/providers/health?model=" + open);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(one.body()).get("providers")).singleElement()
                .satisfies(item -> assertThat(item.get("model_id").asText()).isEqualTo(open));
    }

    private static JsonNode awaitItem(String model, java.util.function.Predicate<JsonNode> condition) {
        AtomicReference<JsonNode> found = new AtomicReference<>();
        IngressKit.await(() -> {
            HttpResponse<String> response = kit.get(ingress, "/router/v1/providers/health");
            if (response.statusCode() != 200) {
                return false;
            }
            try {
                for (JsonNode item : Json.MAPPER.readTree(response.body()).get("providers")) {
                    if (item.get("model_id").asText().equals(model) && condition.test(item)) {
                        found.set(item);
                        return true;
                    }
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return false;
        }, model + " on the health endpoint");
        return found.get();
    }

    private static ProviderHealth health(String model, BreakerState state, Instant until, int failures, String reason, Instant at) {
        return ProviderHealth.newBuilder().setModelId(model).setState(state).setOpenUntil(until)
                .setConsecutiveFailures(failures).setReason(reason).setObservedBy("worker-it").setObservedAt(at).build();
    }

    private static void publish(ProviderHealth record) throws Exception {
        producer.send(new ProducerRecord<>(Topics.PROVIDER_HEALTH, record.getModelId(),
                kit.serdes.providerHealth.serialize(Topics.PROVIDER_HEALTH, record))).get();
    }
}
