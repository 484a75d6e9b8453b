package dev.switchyard.ingress.it;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Control;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.ingress.IngressConfig;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.kafka.TopicTail;
import dev.switchyard.testsupport.services.SharedServices;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * The real broker and registry of test-support, Switchyard's topics, and the parts of the pipeline an ingress test
 * plays itself: it reads what ingress publishes and produces reply chunks to the request's reply partition, as the
 * routing engine and provider workers would.
 */
final class IngressKit implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    final String bootstrap;
    final EventSerdes serdes;
    final KafkaSettings kafka;
    final ModelCatalog catalog = ModelCatalog.builtIn();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final KafkaProducer<String, byte[]> producer;

    IngressKit() {
        SharedServices.startAll();
        bootstrap = SharedServices.kafka().bootstrapServers();
        TopicProvisioner.ensureTopics(bootstrap, TopicLayout.defaults());
        serdes = new EventSerdes(SharedServices.registry().url());
        serdes.registerAll();
        kafka = new KafkaSettings(bootstrap, "ingress-it");
        producer = new KafkaProducer<>(kafka.producer("stages"));
    }

    /** A started ingress on a free port, in its own reply group unless the test says otherwise. */
    IngressService start(UnaryOperator<IngressConfig> tweak) {
        IngressConfig config = IngressConfig.defaults(kafka, serdes, catalog)
                .withPort(0)
                .withInstanceId("it-" + UUID.randomUUID().toString().substring(0, 6))
                .withReplyGroupId("it-replies-" + UUID.randomUUID());
        IngressService service = new IngressService(tweak.apply(config)).start();
        await(service::isReady, "ingress ready");
        return service;
    }

    TopicTail<ChatRequest> requests() {
        return new TopicTail<>(bootstrap, Topics.REQUESTS, bytes -> serdes.requests.deserialize(Topics.REQUESTS, bytes));
    }

    TopicTail<Control> control() {
        return new TopicTail<>(bootstrap, Topics.CONTROL, bytes -> serdes.control.deserialize(Topics.CONTROL, bytes));
    }

    TopicTail<RouterConfig> routerConfigs() {
        return new TopicTail<>(bootstrap, Topics.ROUTER_CONFIGS, bytes -> serdes.routerConfigs.deserialize(Topics.ROUTER_CONFIGS, bytes));
    }

    TopicTail<RouterConfig> routerVersions() {
        return new TopicTail<>(bootstrap, Topics.ROUTER_VERSIONS, bytes -> serdes.routerConfigs.deserialize(Topics.ROUTER_VERSIONS, bytes));
    }

    /** Produces chunks to exactly the request's reply_to partition, as a worker does, and waits for the acks. */
    void reply(ChatRequest request, ReplyChunk... chunks) {
        reply(request.getReplyTo().getTopic(), request.getReplyTo().getPartition(), request.getRequestId(), chunks);
    }

    void reply(String topic, int partition, String requestId, ReplyChunk... chunks) {
        try {
            for (ReplyChunk chunk : chunks) {
                producer.send(new ProducerRecord<>(topic, partition, requestId, serdes.replies.serialize(topic, chunk))).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sum of a topic's end offsets: how many records it has ever received. */
    long endOffsets(String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(request).all().get().values().stream().mapToLong(r -> r.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- HTTP ----

    static String chatBody(String model, String marker, boolean stream, String more) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + marker + "\"}],\"stream\":" + stream
                + (more.isEmpty() ? "" : "," + more) + "}";
    }

    HttpRequest.Builder post(IngressService service, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                .timeout(WAIT).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(IngressService service, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path)).timeout(WAIT).GET().build());
    }

    HttpResponse<String> method(IngressService service, String method, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path)).timeout(WAIT)
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static String resource(String name) {
        try (InputStream in = IngressKit.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(BooleanSupplier condition, String what) {
        Instant giveUp = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10); // polling a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
