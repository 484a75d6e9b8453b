package dev.switchyard.bench.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.bench.faults.FaultInjection;
import dev.switchyard.bench.faults.FaultyUpstream;
import dev.switchyard.bench.kafka.BrokerRequests;
import dev.switchyard.launcher.SwitchyardMain;
import dev.switchyard.testsupport.mock.MockProviderMain;
import dev.switchyard.testsupport.services.ChildProcess;
import dev.switchyard.testsupport.services.FreePorts;
import dev.switchyard.testsupport.services.KafkaBroker;
import dev.switchyard.testsupport.services.SchemaRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Everything the benchmark measures, each in its own process so CPU and memory are attributable: a Kafka broker and
 * an Apicurio registry (test-support, child JVMs), the mock provider (child JVM), and Switchyard itself
 * ({@code switchyard up} in a child JVM, pointed at that broker, registry and mock). The load generator is the
 * benchmark's own JVM. Stopped in reverse order by {@link #close()}.
 */
public final class BenchStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BenchStack.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The router under test: three CEL routes; the third matches the benchmark's metadata and splits 50/50. */
    public static final String ROUTER = """
            {"displayName": "bench",
             "routes": [
               {"condition": {"cel_expression": "language == \\"es\\""},
                "route": {"variants": [{"variant": {"modelId": "openai/gpt-4o"}, "weight": 100}]}},
               {"condition": {"cel_expression": "plan == \\"free\\" && country in [\\"US\\", \\"CA\\"]"},
                "route": {"variants": [{"variant": {"modelId": "openai/gpt-4.1-nano"}, "weight": 100}]}},
               {"condition": {"cel_expression": "tier == \\"pro\\" && request.message_count > 0"},
                "route": {"variants": [{"variant": {"modelId": "openai/gpt-4o-mini"}, "weight": 50},
                                       {"variant": {"modelId": "openai/gpt-4.1-mini"}, "weight": 50}]}}],
             "defaultRoute": {"variants": [{"variant": {"modelId": "openai/gpt-4.1"}, "weight": 100}]}}
            """;

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private KafkaBroker broker;
    private int brokerJmxPort;
    private SchemaRegistry registry;
    private ChildProcess mock;
    private ChildProcess switchyard;
    private FaultyUpstream faulty;
    private String mockUrl;
    private String switchyardUrl;
    private String routerId;
    private List<String> upArgs = List.of();

    /** Extra options of the Switchyard under test's {@code up} (e.g. {@code --reply-hold-ms 2}), before {@link #start}. */
    public BenchStack withUpArgs(List<String> args) {
        this.upArgs = List.copyOf(args);
        return this;
    }

    /**
     * @param workDir    logs, Kafka data and JFR recordings
     * @param stackJvm   JVM options of the Switchyard JVM (e.g. -XX:StartFlightRecording=...)
     * @param brokerJvm  JVM options of the broker JVM
     * @param partitions partitions of the request/dispatch/reply topics
     */
    public BenchStack start(Path workDir, List<String> stackJvm, List<String> brokerJvm, int partitions)
            throws Exception {
        return start(workDir, stackJvm, brokerJvm, partitions, 0);
    }

    /**
     * As above; with {@code faultHang} above 0 the primary model of the fault-injection target
     * ({@link FaultInjection#PRIMARY}) is served by a {@link FaultyUpstream} in front of the mock that hangs that share
     * of its calls.
     */
    public BenchStack start(Path workDir, List<String> stackJvm, List<String> brokerJvm, int partitions, double faultHang)
            throws Exception {
        long t0 = System.nanoTime();
        int mockPort = FreePorts.find();
        mock = remember(child("mock", List.of("-Xmx512m"), MockProviderMain.class.getName(),
                List.of("--host", "127.0.0.1", "--port", Integer.toString(mockPort), "--instances", "2"), Map.of(),
                variable -> false, workDir));
        mockUrl = "http://127.0.0.1:" + mockPort;
        // The broker's JMX (loopback) lets the report count the Kafka requests each step cost (BrokerRequests).
        brokerJmxPort = FreePorts.find();
        List<String> brokerOptions = new ArrayList<>(brokerJvm);
        brokerOptions.addAll(BrokerRequests.jvmOptions(brokerJmxPort));
        broker = remember(KafkaBroker.builder().dataDir(workDir.resolve("kafka")).jvmArgs(brokerOptions.toArray(String[]::new))
                .build().start());
        registry = remember(SchemaRegistry.builder().build().start());
        LOG.info("Kafka at {}, registry at {}, mock at {} ({} s)", broker.bootstrapServers(), registry.url(), mockUrl,
                (System.nanoTime() - t0) / 1_000_000_000);

        Map<String, String> env = new java.util.HashMap<>(Map.of("OPENAI_BASE_URL", mockUrl + "/v1", "SWITCHYARD_LOG_LEVEL", "WARN"));
        if (faultHang > 0) {
            faulty = remember(FaultyUpstream.start(mockUrl, faultHang));
            env.put(FaultInjection.PRIMARY_BASE_URL_VARIABLE, faulty.baseUrl());
            LOG.info("faulty upstream for {} at {}: {}% of its calls hang", FaultInjection.PRIMARY, faulty.baseUrl(), faultHang * 100);
        }
        int port = FreePorts.find();
        List<String> up = new ArrayList<>(List.of("up", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--kafka", broker.bootstrapServers(), "--schema-registry", registry.url(),
                "--mock", "off", "--partitions", Integer.toString(partitions),
                "--data-dir", workDir.resolve("switchyard").toString()));
        up.addAll(upArgs);
        // Real provider keys and the developer's own settings stay out: the bench measures the mock, configured here.
        switchyard = remember(child("switchyard", stackJvm, SwitchyardMain.class.getName(), up, env,
                k -> k.endsWith("_API_KEY") || k.endsWith("_BASE_URL") || k.startsWith("SWITCHYARD_"), workDir));
        switchyardUrl = "http://127.0.0.1:" + port;
        awaitHttp(mockUrl + "/v1/models", mock, Duration.ofSeconds(60), true);
        awaitHttp(switchyardUrl + "/health", switchyard, Duration.ofSeconds(180), false);
        routerId = createRouter();
        LOG.info("Switchyard at {} with router {} ({} s)", switchyardUrl, routerId, (System.nanoTime() - t0) / 1_000_000_000);
        return this;
    }

    private String createRouter() throws IOException, InterruptedException {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(switchyardUrl + "/router/v1/routers"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ROUTER)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 200 && created.statusCode() != 201) {
            throw new IllegalStateException("creating the bench router failed: " + created.statusCode() + " " + created.body());
        }
        JsonNode router = JSON.readTree(created.body());
        String id = router.path("id").asText();
        // The engines apply a new router within about a second: poll with a real request until it routes.
        String probe = "{\"model\":\"router/" + id + "\",\"user\":\"probe\",\"metadata\":{\"tier\":\"pro\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi [[mock:chunks=2]]\"}]}";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(switchyardUrl + "/v1/chat/completions"))
                    .header("content-type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(probe)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return id;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the bench router does not answer: " + r.statusCode() + " " + r.body());
            }
            Thread.sleep(200); // polling until the engines have applied the router
        }
    }

    /** A child JVM on this JVM's class path, its own process so that its CPU and memory can be read apart. */
    private static ChildProcess child(String name, List<String> jvmArgs, String mainClass, List<String> args,
                                      Map<String, String> env, java.util.function.Predicate<String> dropInherited, Path workDir) {
        return ChildProcess.start(name, jvmArgs, ChildProcess.thisClassPath(), mainClass, args, workDir,
                workDir.resolve(name + ".log"), env, dropInherited);
    }

    private static void awaitHttp(String url, ChildProcess child, Duration timeout, boolean anyStatus)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!child.isAlive()) {
                throw new IllegalStateException(child + " exited while starting:\n" + child.logTail(40));
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                        .GET().build(), HttpResponse.BodyHandlers.discarding());
                if (anyStatus || r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(url + " did not answer within " + timeout + "; " + child + ":\n"
                        + child.logTail(40));
            }
            Thread.sleep(200); // polling a starting process
        }
    }

    private <T extends AutoCloseable> T remember(T resource) {
        started.push(resource);
        return resource;
    }

    public String mockUrl() {
        return mockUrl;
    }

    public String switchyardUrl() {
        return switchyardUrl;
    }

    public String routerId() {
        return routerId;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public long switchyardPid() {
        return switchyard.pid();
    }

    /** The broker's JMX port (loopback, no authentication), for {@link BrokerRequests}. */
    public int brokerJmxPort() {
        return brokerJmxPort;
    }

    public long brokerPid() {
        return broker.pid();
    }

    public long registryPid() {
        return registry.pid();
    }

    /** The faulty upstream of {@code --fault-hang}, or null. */
    public FaultyUpstream faultyUpstream() {
        return faulty;
    }

    public long mockPid() {
        return mock.pid();
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable resource = started.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", resource, e.toString());
            }
        }
    }
}
