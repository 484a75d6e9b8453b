package dev.switchyard.engine.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.core.router.RouterDocuments;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.Dispatch;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.AvroSerde;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.services.SharedServices;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine between a real broker and a real registry: requests in, dispatches (or errors) out. */
@Timeout(120)
class RoutingEngineServiceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelCatalog CATALOG = ModelCatalog.builtIn();
    private static final RouterDocuments DOCUMENTS = new RouterDocuments(name -> CATALOG.findConfigured(name).map(CatalogModel::id));

    private KafkaSettings kafka;
    private EventSerdes serdes;
    private KafkaProducer<String, byte[]> producer;
    private RoutingEngineService engine;
    private final String group = "engine-it-" + UUID.randomUUID();

    @BeforeEach
    void start() throws Exception {
        String bootstrap = SharedServices.kafka().bootstrapServers();
        TopicProvisioner.ensureTopics(bootstrap, TopicLayout.defaults());
        kafka = new KafkaSettings(bootstrap, "engine-it");
        serdes = new EventSerdes(SharedServices.registry().url());
        producer = new KafkaProducer<>(kafka.producer("test"), new StringSerializer(), new ByteArraySerializer());
        engine = new RoutingEngineService(new EngineConfig("it", group, Duration.ofSeconds(2)), kafka, serdes, CATALOG).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!engine.isReady()) {
            assertThat(System.nanoTime()).as("engine ready in time").isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // polling a condition
        }
    }

    @AfterEach
    void stop() {
        engine.close();
        producer.close();
    }

    private RouterConfig publish(RouterConfig config) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ROUTER_CONFIGS, config.getId(),
                serdes.routerConfigs.serialize(Topics.ROUTER_CONFIGS, config))).get();
        return config;
    }

    private RouterConfig seedRouter(String id) throws Exception {
        return DOCUMENTS.create(JSON.readTree("""
                {"name": "routers/%s", "routes": [
                  {"condition": {"cel_expression": "language == \\"es\\""}, "route": {"variants": [{"variant": {"modelId": "openai/gpt-5.2"}, "weight": 100}]}},
                  {"condition": {"cel_expression": "plan == \\"free\\""}, "route": {"variants": [{"variant": {"modelId": "anthropic/claude-haiku-4-5"}, "weight": 100}]}}],
                 "defaultRoute": {"variants": [{"variant": {"modelId": "anthropic/claude-sonnet-4-6"}, "weight": 100}]}}
                """.formatted(id)), Instant.now(), "it");
    }

    private String send(String model, Map<String, Object> metadata) throws Exception {
        String id = "req-" + UUID.randomUUID();
        ChatRequest request = ChatRequest.newBuilder()
                .setRequestId(id).setReceivedAt(Instant.now()).setDeadlineAt(Instant.now().plusSeconds(60))
                .setProtocol(ClientProtocol.OPENAI_CHAT).setModel(model).setMetadata(metadata).setUserId("alice")
                .setMessagesJson("[{\"role\":\"user\",\"content\":\"hi\"}]")
                .setReplyTo(new ReplyAddress(Topics.REPLIES, 1)).build();
        producer.send(new ProducerRecord<>(Topics.REQUESTS, id, serdes.requests.serialize(Topics.REQUESTS, request))).get();
        return id;
    }

    /** Reads {@code topic} from the start until a record with {@code key} arrives. */
    private static <T extends org.apache.avro.specific.SpecificRecord> T awaitRecord(KafkaSettings kafka, String topic, AvroSerde<T> serde, String key) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer(null, "reader"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        return serde.deserialize(topic, record.value());
                    }
                }
            }
        }
        throw new AssertionError("no record with key " + key + " on " + topic + " within 30 s");
    }

    @Test
    void routesByMetadataWithTheRouterFromTheCompactedTopic() throws Exception {
        RouterConfig router = publish(seedRouter("seed-" + UUID.randomUUID().toString().substring(0, 8)));
        String spanish = send("router/" + router.getId(), Map.of("language", "es"));
        String free = send("inworld/" + router.getId(), Map.of("plan", "free"));
        String other = send("router/" + router.getId(), Map.of());

        assertThat(awaitRecord(kafka, Topics.DISPATCH, serdes.dispatch, spanish).getCandidates().get(0).getModelId()).isEqualTo("openai/gpt-5.2");
        assertThat(awaitRecord(kafka, Topics.DISPATCH, serdes.dispatch, free).getCandidates().get(0).getModelId()).isEqualTo("anthropic/claude-haiku-4-5");
        Dispatch fallback = awaitRecord(kafka, Topics.DISPATCH, serdes.dispatch, other);
        assertThat(fallback.getCandidates().get(0).getModelId()).isEqualTo("anthropic/claude-sonnet-4-6");
        assertThat(fallback.getRouterId()).isEqualTo(router.getId());
        assertThat(fallback.getRequest().getRequestId()).isEqualTo(other);
    }

    @Test
    void aChangedRouterAppliesWithoutRestart() throws Exception {
        RouterConfig v1 = publish(seedRouter("live-" + UUID.randomUUID().toString().substring(0, 8)));
        assertThat(awaitRecord(kafka, Topics.DISPATCH, serdes.dispatch, send("router/" + v1.getId(), Map.of("language", "es")))
                .getCandidates().get(0).getModelId()).isEqualTo("openai/gpt-5.2");

        RouterConfig v2 = publish(DOCUMENTS.patch(v1, JSON.readTree("""
                {"routes": [{"condition": {"cel_expression": "language == \\"es\\""}, "route": {"variants": [{"variant": {"modelId": "openai/gpt-5-mini"}, "weight": 100}]}}]}
                """), List.of("routes"), Instant.now(), "it"));
        // The next request after the change may race the store by a poll: wait for a request routed by v2.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Dispatch dispatch;
        do {
            dispatch = awaitRecord(kafka, Topics.DISPATCH, serdes.dispatch, send("router/" + v1.getId(), Map.of("language", "es")));
        } while (dispatch.getRouterVersion() < v2.getVersion() && System.nanoTime() < deadline);
        assertThat(dispatch.getRouterVersion()).isEqualTo(2);
        assertThat(dispatch.getCandidates().get(0).getModelId()).isEqualTo("openai/gpt-5-mini");
    }

    @Test
    void aRequestForARouterCreatedMomentsLaterWaitsForIt() throws Exception {
        String id = "late-" + UUID.randomUUID().toString().substring(0, 8);
        String request = send("router/" + id, Map.of("plan", "free"));
        publish(seedRouter(id));
        Dispatch dispatch = awaitRecord(kafka, Topics.DISPATCH, serdes.dispatch, request);
        assertThat(dispatch.getCandidates().get(0).getModelId()).isEqualTo("anthropic/claude-haiku-4-5");
    }

    @Test
    void anUnknownRouterIsA404ReplyAndAnErrorCompletion() throws Exception {
        String request = send("router/never-" + UUID.randomUUID(), Map.of());
        ReplyChunk reply = awaitRecord(kafka, Topics.REPLIES, serdes.replies, request);
        assertThat(reply.getError().getStatus()).isEqualTo(404);
        assertThat(reply.getError().getCode()).isEqualTo("router_not_found");
        assertThat(reply.getFinal$()).isTrue();
        Completion completion = awaitRecord(kafka, Topics.COMPLETIONS, serdes.completions, request);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.ERROR);
        assertThat(completion.getHttpStatus()).isEqualTo(404);
        assertThat(completion.getLatencyMs()).isGreaterThanOrEqualTo(2000); // it waited for the router first
    }

    @Test
    void offsetsAreCommittedOnceTheDispatchIsPublished() throws Exception {
        RouterConfig router = publish(seedRouter("commit-" + UUID.randomUUID().toString().substring(0, 8)));
        Map<TopicPartition, Long> lastOffsets = new java.util.HashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = "req-" + UUID.randomUUID();
            ids.add(id);
            var metadata = producer.send(new ProducerRecord<>(Topics.REQUESTS, id, serdes.requests.serialize(Topics.REQUESTS,
                    ChatRequest.newBuilder().setRequestId(id).setReceivedAt(Instant.now()).setDeadlineAt(Instant.now().plusSeconds(60))
                            .setProtocol(ClientProtocol.OPENAI_CHAT).setModel("router/" + router.getId())
                            .setMessagesJson("[]").setReplyTo(new ReplyAddress(Topics.REPLIES, 0)).build()))).get();
            lastOffsets.merge(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset(), Math::max);
        }
        for (String id : ids) {
            awaitRecord(kafka, Topics.DISPATCH, serdes.dispatch, id);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedServices.kafka().bootstrapServers()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            boolean covered = false;
            while (!covered && System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                covered = lastOffsets.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() > e.getValue());
            }
            assertThat(covered).as("committed offsets past every routed request").isTrue();
        }
    }
}
