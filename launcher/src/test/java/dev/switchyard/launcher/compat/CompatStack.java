package dev.switchyard.launcher.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.engine.pipeline.EngineConfig;
import dev.switchyard.engine.pipeline.RoutingEngineService;
import dev.switchyard.events.Completion;
import dev.switchyard.ingress.IngressConfig;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.launcher.testkit.CompletionTail;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.conditions.Await;
import dev.switchyard.testsupport.mock.MockLlmProvider;
import dev.switchyard.testsupport.mock.RecordedRequest;
import dev.switchyard.testsupport.services.SharedServices;
import dev.switchyard.workers.ProviderWorkerService;
import dev.switchyard.workers.WorkerConfig;
import dev.switchyard.workers.providers.ProvidersConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole pipeline in this JVM, once for every compatibility test: real broker and registry (test-support's shared
 * services), the routing engine, a provider worker and ingress, with every provider answered by the real mock provider
 * (strict about headers and about the rules real providers enforce). The catalog is the built-in one plus an operator
 * file ({@code compat/catalog.json}) with aliases, and the router {@code router/coding} has OpenAI and Anthropic
 * variants, chosen by the {@code target} metadata.
 */
final class CompatStack {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static CompatStack instance;

    final MockLlmProvider mock;
    final String baseUrl;
    private final RoutingEngineService engine;
    private final ProviderWorkerService worker;
    private final IngressService ingress;
    private final CompletionTail completions;

    private CompatStack() throws IOException {
        SharedServices.startAll();
        String bootstrap = SharedServices.kafka().bootstrapServers();
        TopicProvisioner.ensureTopics(bootstrap, TopicLayout.defaults());
        EventSerdes serdes = new EventSerdes(SharedServices.registry().url());
        serdes.registerAll();
        KafkaSettings kafka = new KafkaSettings(bootstrap, "compat-it");
        Path catalogFile = Files.createTempFile("compat-catalog", ".json");
        Files.writeString(catalogFile, resource("compat/catalog.json"));
        ModelCatalog catalog = ModelCatalog.load(List.of(catalogFile));
        String id = UUID.randomUUID().toString().substring(0, 8);
        mock = MockLlmProvider.builder().strictHeaders(true).start();
        engine = new RoutingEngineService(EngineConfig.defaults("engine-" + id), kafka, serdes, catalog).start();
        worker = new ProviderWorkerService(WorkerConfig.defaults(ProvidersConfig.mock(mock.baseUrl())), kafka, serdes, catalog).start();
        ingress = new IngressService(IngressConfig.defaults(kafka, serdes, catalog).withPort(0).withInstanceId("ingress-" + id)).start();
        completions = new CompletionTail(bootstrap, serdes);
        baseUrl = "http://127.0.0.1:" + ingress.port();
        Await.until(WAIT, () -> engine.isReady() && worker.isReady() && ingress.isReady(), ready -> ready, "the stack to be ready");
        HttpResponse<String> router = post("/router/v1/routers", resource("compat/coding-router.json"), Map.of());
        if (router.statusCode() != 200 && router.statusCode() != 409) {
            throw new IllegalStateException("creating router/coding: " + router.statusCode() + " " + router.body());
        }
        Await.until(WAIT, () -> engine.isReady(), ready -> ready, "the engine");
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "compat-stack-stop"));
    }

    static synchronized CompatStack get() {
        if (instance == null) {
            try {
                instance = new CompatStack();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** The Completion of the request that answered with this {@code x-switchyard-request-id}. */
    Completion completion(String requestId) {
        return completions.await(requestId, WAIT);
    }

    /** The requests the mock received for one upstream model since the last reset, waiting until there are {@code n}. */
    List<RecordedRequest> upstream(String model, int n) {
        return Await.until(WAIT, () -> mock.requests(model), r -> r.size() >= n, n + " upstream requests for " + model);
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(WAIT)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(WAIT).GET();
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static String resource(String name) {
        try (InputStream in = CompatStack.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void close() {
        for (AutoCloseable part : new AutoCloseable[]{completions, ingress, worker, engine, mock}) {
            try {
                part.close();
            } catch (Exception ignored) {
                // best effort at JVM exit
            }
        }
    }
}
