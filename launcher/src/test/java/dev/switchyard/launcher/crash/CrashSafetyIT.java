package dev.switchyard.launcher.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.events.Attempt;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.launcher.testkit.ChatCall;
import dev.switchyard.launcher.testkit.CompletionTail;
import dev.switchyard.launcher.testkit.ServiceProcess;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.conditions.Await;
import dev.switchyard.testsupport.mock.MockBehaviour;
import dev.switchyard.testsupport.mock.MockLlmProvider;
import dev.switchyard.testsupport.services.FreePorts;
import dev.switchyard.testsupport.services.KafkaBroker;
import dev.switchyard.testsupport.services.SharedServices;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash and overload safety with real processes: a Kafka broker, the routing engine, two provider workers and ingress
 * each in its own JVM (started as {@code switchyard <service>} under test-support's ParentWatchdog, so they die with
 * this JVM), the schema registry shared by the test JVM, and two mock providers in this JVM, one per worker, so a
 * test can tell which worker holds a request (the one whose mock has it in flight) and kill exactly that one.
 * One stack for the whole class; the tests run in order and each leaves the stack whole for the next.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashSafetyIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "openai/gpt-4o";
    private static final String WORKER_GROUP = "switchyard-provider-workers";
    private static final String ENGINE_GROUP = "switchyard-routing-engine";
    private static final int MAX_IN_FLIGHT = 6;

    private static Path dir;
    private static KafkaBroker broker;
    private static String registryUrl;
    private static Admin admin;
    private static CompletionTail completions;
    private static final Map<String, MockLlmProvider> mocks = new HashMap<>();
    /** Worker slot ("a", "b") → its current process. */
    private static final Map<String, ServiceProcess> workers = new HashMap<>();
    private static final AtomicInteger generation = new AtomicInteger();
    private static ServiceProcess engine;
    private static ServiceProcess ingress;
    private static int ingressPort;
    private static String baseUrl;

    @BeforeAll
    static void startStack() throws Exception {
        dir = Files.createTempDirectory("switchyard-crash-");
        broker = KafkaBroker.builder().dataDir(dir.resolve("kafka")).start();
        registryUrl = SharedServices.registry().url();
        TopicProvisioner.ensureTopics(broker.bootstrapServers(), TopicLayout.defaults());
        EventSerdes serdes = new EventSerdes(registryUrl);
        serdes.registerAll();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        for (String slot : List.of("a", "b")) {
            mocks.put(slot, MockLlmProvider.builder().strictHeaders(true).maxRecordedRequests(1000).start());
        }
        ingressPort = FreePorts.find();
        baseUrl = "http://127.0.0.1:" + ingressPort;
        engine = startEngine();
        startWorker("a");
        startWorker("b");
        ingress = startIngress();
        completions = new CompletionTail(broker.bootstrapServers(), serdes);
        awaitStackReady();
    }

    @AfterAll
    static void stopStack() {
        List<AutoCloseable> parts = new ArrayList<>();
        parts.add(ingress);
        parts.addAll(workers.values());
        parts.add(engine);
        parts.add(completions);
        parts.add(admin);
        parts.addAll(mocks.values());
        parts.add(broker);
        for (AutoCloseable part : parts) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (Exception ignored) {
                // a temporary folder: best effort
            }
        }
    }

    @AfterEach
    void resetMocks() {
        mocks.values().forEach(MockLlmProvider::reset);
    }

    @Test
    @Order(1)
    void aWorkerKilledBeforeTheFirstByteIsReplacedAndTheClientNeverNotices() {
        // Whichever worker gets the request, its provider call hangs before the first token.
        mocks.values().forEach(m -> m.failNext("*", 1, MockBehaviour.hanging()));
        ChatCall call = ChatCall.post(baseUrl, "/v1/chat/completions", body(MODEL, "Killed before the first byte", true));
        String victim = awaitHolder();
        mocks.get(other(victim)).reset(); // the survivor's provider answers normally
        workers.get(victim).kill();

        call.awaitEnd(WAIT);
        assertThat(call.status()).isEqualTo(200);
        assertThat(call.text()).startsWith("Hello from gpt-4o.");
        assertThat(call.done()).isTrue();
        assertThat(call.errorEvent()).isEmpty();
        assertThat(call.header("x-switchyard-attempts")).hasValue(MODEL + ":streaming");
        Completion completion = completions.await(requestId(call), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(completion.getAttempts()).singleElement()
                .satisfies(a -> assertThat(a.getAttemptId()).startsWith(workerId(other(victim))));

        startWorker(victim);
        awaitStackReady();
    }

    @Test
    @Order(2)
    void aWorkerKilledMidStreamEndsTheAnswerWithAnExplicitErrorAndNeverSplicesText() {
        mocks.values().forEach(m -> m.rule("*", MockBehaviour.none().withChunks(400).withInterTokenMs(25)));
        ChatCall call = ChatCall.post(baseUrl, "/v1/chat/completions", body(MODEL, "Killed mid-stream", true));
        call.awaitContentEvents(3, WAIT);
        String victim = awaitHolder();
        workers.get(victim).kill();

        call.awaitEnd(WAIT);
        assertThat(call.status()).isEqualTo(200);
        String text = call.text();
        assertThat(text).startsWith("Hello from gpt-4o.");
        assertThat(text.indexOf("Hello from", 1)).as("a second answer spliced on: " + text).isEqualTo(-1);
        assertThat(call.done()).isFalse();
        JsonNode error = call.errorEvent().orElseThrow(() -> new AssertionError("no error event: " + call.body()));
        assertThat(error.get("code").asText()).isEqualTo("stream_interrupted");
        assertThat(call.events().get(call.events().size() - 1)).contains("\"error\"");

        // The worker that took the request over records what happened to it.
        Completion completion = completions.await(requestId(call), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.ERROR);
        assertThat(completion.getHttpStatus()).isEqualTo(502);
        assertThat(completion.getErrorMessage()).contains("interrupted");
        assertThat(completion.getAttempts()).singleElement().satisfies(a -> {
            assertThat(a.getOutcome()).isEqualTo("cancelled");
            assertThat(a.getReason()).contains("stream_interrupted");
            assertThat(a.getAttemptId()).startsWith(workerId(other(victim)));
        });

        mocks.values().forEach(MockLlmProvider::reset);
        startWorker(victim);
        awaitStackReady();
    }

    @Test
    @Order(3)
    void aRoutingEngineRestartedUnderLoadLosesNoRequest() throws Exception {
        mocks.values().forEach(m -> m.rule("*", MockBehaviour.none().withChunks(5).withInterTokenMs(20)));
        int total = 24;
        AtomicInteger finished = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try {
            List<Future<ChatCall>> calls = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                int n = i;
                calls.add(clients.submit(() -> {
                    ChatCall call = ChatCall.post(baseUrl, "/v1/chat/completions", body(MODEL, "Load " + n, true)).awaitEnd(WAIT);
                    finished.incrementAndGet();
                    return call;
                }));
            }
            Await.until(WAIT, finished::get, n -> n >= 4, "some requests to finish before the restart");
            assertThat(engine.terminate(60)).as("the engine's exit").isIn(0, 143);
            engine = startEngine();

            for (Future<ChatCall> future : calls) {
                ChatCall call = future.get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
                assertThat(call.status()).as(call.body()).isEqualTo(200);
                assertThat(call.done()).as(call.body()).isTrue();
                assertThat(call.text()).startsWith("Hello from gpt-4o.");
            }
        } finally {
            clients.shutdownNow();
        }
        awaitStackReady();
    }

    @Test
    @Order(4)
    void overloadIsRefusedAtOnceWithRetryAfterWithoutReadingTheBody() throws Exception {
        mocks.values().forEach(m -> m.rule("*", MockBehaviour.hanging()));
        List<ChatCall> holding = new ArrayList<>();
        for (int i = 0; i < MAX_IN_FLIGHT; i++) {
            holding.add(ChatCall.post(baseUrl, "/v1/chat/completions", body(MODEL, "Holding " + i, true)));
        }
        Await.until(WAIT, () -> inFlightAtMocks(), n -> n >= MAX_IN_FLIGHT, "every held request to reach a provider");

        // A 3 MB body: refused before it is read, so an overload can't fill the memory with bodies.
        String big = body(MODEL, "x".repeat(3 * 1024 * 1024), true);
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(big)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
        assertThat(JSON.readTree(refused.body()).at("/error/code").asText()).isEqualTo("overloaded");

        // Clients that leave free their slots and cancel their provider calls.
        long cancelledBefore = cancelledAtMocks();
        holding.forEach(ChatCall::close);
        Await.until(WAIT, CrashSafetyIT::cancelledAtMocks, n -> n >= cancelledBefore + MAX_IN_FLIGHT, "the held provider calls to be cancelled");
        mocks.values().forEach(MockLlmProvider::reset);
        ChatCall after = ChatCall.post(baseUrl, "/v1/chat/completions", body(MODEL, "After the overload", true)).awaitEnd(WAIT);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.done()).isTrue();
    }

    @Test
    @Order(5)
    void aGracefulShutdownOfIngressAndOfTheWorkerDrainsTheStreamInFlight() {
        mocks.values().forEach(m -> m.rule("*", MockBehaviour.none().withChunks(80).withInterTokenMs(25)));
        ChatCall call = ChatCall.post(baseUrl, "/v1/chat/completions", body(MODEL, "Drain me", true));
        call.awaitContentEvents(2, WAIT);
        String holder = awaitHolder();
        ServiceProcess worker = workers.get(holder);
        // SIGTERM both ends of the stream at once: each lets it finish before exiting.
        new Thread(() -> ingress.terminate(60)).start();
        new Thread(() -> worker.terminate(60)).start();

        call.awaitEnd(WAIT);
        assertThat(call.status()).isEqualTo(200);
        assertThat(call.done()).as(call.body()).isTrue();
        assertThat(call.errorEvent()).isEmpty();
        assertThat(call.text()).startsWith("Hello from gpt-4o.");
        assertThat(completions.await(requestId(call), WAIT).getStatus()).isEqualTo(CompletionStatus.OK);
        ingress.waitFor(60);
        worker.waitFor(60);

        // While it is down a client gets a clear refusal, not a hang.
        ChatCall refused = ChatCall.post(baseUrl, "/v1/chat/completions", body(MODEL, "Nobody home", true)).awaitEnd(WAIT);
        assertThat(refused.status()).isNotEqualTo(200);

        mocks.values().forEach(MockLlmProvider::reset);
        startWorker(holder);
        ingress = startIngress();
        awaitStackReady();
    }

    @Test
    @Order(6)
    void theBrokerRestartedUnderTheRunningStackEndsInFlightRequestsClearlyAndNewOnesSucceed() throws Exception {
        mocks.values().forEach(m -> m.rule("*", MockBehaviour.none().withChunks(100).withInterTokenMs(40)));
        List<Long> pids = List.of(engine.pid(), workers.get("a").pid(), workers.get("b").pid(), ingress.pid());
        List<ChatCall> inFlight = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            inFlight.add(ChatCall.post(baseUrl, "/v1/chat/completions", body(MODEL, "During the broker restart " + i, true)));
        }
        for (ChatCall call : inFlight) {
            call.awaitContentEvents(1, WAIT);
        }
        broker.restart();

        for (ChatCall call : inFlight) {
            call.awaitEnd(Duration.ofSeconds(180));
            // Completed, or ended with a clear error: never a silently truncated stream.
            boolean completed = call.done();
            boolean explicitError = call.errorEvent().isPresent() || call.status() >= 500;
            assertThat(completed || explicitError).as("answer after the broker restart: " + call.body()).isTrue();
            if (completed) {
                assertThat(call.text().indexOf("Hello from", 1)).isEqualTo(-1);
            }
        }

        mocks.values().forEach(MockLlmProvider::reset);
        Await.until(WAIT, () -> {
            ChatCall probe = ChatCall.post(baseUrl, "/v1/chat/completions", body(MODEL, "After the restart", true)).awaitEnd(WAIT);
            return probe.status() == 200 && probe.done();
        }, ok -> ok, "a request to succeed once the broker is back");
        for (int i = 0; i < 3; i++) {
            ChatCall call = ChatCall.post(baseUrl, "/v1/chat/completions", body(MODEL, "Back to normal " + i, true)).awaitEnd(WAIT);
            assertThat(call.status()).isEqualTo(200);
            assertThat(call.done()).isTrue();
        }
        // No service was restarted.
        assertThat(List.of(engine.pid(), workers.get("a").pid(), workers.get("b").pid(), ingress.pid())).isEqualTo(pids);
        assertThat(engine.isAlive() && workers.get("a").isAlive() && workers.get("b").isAlive() && ingress.isAlive()).isTrue();
    }

    // ---- the stack -----------------------------------------------------------------------------------------------

    private static Map<String, String> common() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", registryUrl);
        return env;
    }

    private static ServiceProcess startEngine() {
        Map<String, String> env = common();
        env.put("SWITCHYARD_INSTANCE_ID", "engine-" + generation.incrementAndGet());
        return ServiceProcess.start("engine-" + generation.get(), "routing-engine", env, dir);
    }

    private static void startWorker(String slot) {
        Map<String, String> env = common();
        String id = "worker-" + slot + generation.incrementAndGet();
        env.put("SWITCHYARD_WORKER_ID", id);
        env.put("SWITCHYARD_MOCK_PROVIDER_URL", mocks.get(slot).baseUrl());
        env.put("SWITCHYARD_WORKER_SESSION_TIMEOUT_MS", "6000");
        env.put("SWITCHYARD_WORKER_SHUTDOWN_GRACE_MS", "30000");
        workers.put(slot, ServiceProcess.start(id, "provider-workers", env, dir));
    }

    private static ServiceProcess startIngress() {
        Map<String, String> env = common();
        env.put("SWITCHYARD_PORT", Integer.toString(ingressPort));
        env.put("SWITCHYARD_INSTANCE_ID", "ingress-" + generation.incrementAndGet());
        env.put("SWITCHYARD_MAX_IN_FLIGHT", Integer.toString(MAX_IN_FLIGHT));
        env.put("SWITCHYARD_DRAIN_TIMEOUT_SECONDS", "30");
        env.put("SWITCHYARD_REQUEST_TIMEOUT_SECONDS", "120");
        return ServiceProcess.start("ingress-" + generation.get(), "ingress", env, dir);
    }

    /** Ingress answers /health, both workers and the engine are stable members of their groups. */
    private static void awaitStackReady() {
        Await.until(WAIT, () -> {
            for (ServiceProcess p : allProcesses()) {
                if (!p.isAlive()) {
                    throw new AssertionError(p + " died:\n" + p.logTail());
                }
            }
            return stableMembers(WORKER_GROUP) == 2 && stableMembers(ENGINE_GROUP) == 1 && ingressHealthy();
        }, ready -> ready, "the stack to be ready");
    }

    private static List<ServiceProcess> allProcesses() {
        List<ServiceProcess> all = new ArrayList<>(workers.values());
        all.add(engine);
        all.add(ingress);
        return all;
    }

    private static int stableMembers(String group) {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return description.groupState() == GroupState.STABLE ? description.members().size() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static boolean ingressHealthy() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** The worker slot whose mock has the (one) request in flight. */
    private static String awaitHolder() {
        return Await.until(WAIT, () -> mocks.entrySet().stream().filter(e -> e.getValue().inFlightCount() > 0)
                .map(Map.Entry::getKey).findFirst().orElse(null), slot -> slot != null, "a worker to call its provider");
    }

    private static long inFlightAtMocks() {
        return mocks.values().stream().mapToLong(MockLlmProvider::inFlightCount).sum();
    }

    private static long cancelledAtMocks() {
        return mocks.values().stream().mapToLong(MockLlmProvider::cancelledCount).sum();
    }

    private static String other(String slot) {
        return slot.equals("a") ? "b" : "a";
    }

    private static String workerId(String slot) {
        return workers.get(slot).name();
    }

    private static String requestId(ChatCall call) {
        return call.header("x-switchyard-request-id").orElseThrow(() -> new AssertionError("no request id: " + call.body()));
    }

    private static String body(String model, String text, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.valueToTree(text + " <" + UUID.randomUUID() + ">") + "}]}";
    }

    static List<String> outcomes(Completion completion) {
        return completion.getAttempts().stream().map(Attempt::getOutcome).toList();
    }
}
