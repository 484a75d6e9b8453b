package dev.switchyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchyard.engine.RoutingEngineMain;
import dev.switchyard.ingress.IngressConfig;
import dev.switchyard.ingress.IngressMain;
import dev.switchyard.metrics.MetricsStreamsMain;
import dev.switchyard.workers.WorkerMain;
import dev.switchyard.workers.providers.ProviderPreset;
import dev.switchyard.workers.providers.ProviderPresets;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Docker engine runs in CI, so docker-compose.yml is checked statically against the services' real
 * configuration: every environment variable a Switchyard service gets is one its main reads, the addresses point at
 * the services and ports that exist in the file, and the commands are ones the image's entry point knows.
 */
class DockerComposeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Map<String, List<String>> ENVIRONMENT_BY_COMMAND = Map.of(
            "ingress", IngressMain.ENVIRONMENT,
            "routing-engine", RoutingEngineMain.ENVIRONMENT,
            "provider-workers", WorkerMain.ENVIRONMENT,
            "metrics-streams", MetricsStreamsMain.ENVIRONMENT);

    private final JsonNode compose = read(ROOT.resolve("docker-compose.yml"));

    private static JsonNode read(Path file) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (Exception e) {
            throw new AssertionError("cannot parse " + file + ": " + e, e);
        }
    }

    private JsonNode service(String name) {
        JsonNode service = compose.path("services").path(name);
        assertThat(service.isMissingNode()).as("service " + name + " in docker-compose.yml").isFalse();
        return service;
    }

    private static Set<String> providerVariables() {
        Set<String> names = new HashSet<>();
        for (ProviderPreset preset : ProviderPresets.all().values()) {
            names.add(preset.keyEnv());
            names.add(preset.baseUrlEnv());
        }
        return names;
    }

    @Test
    void describesTheWholeStack() {
        for (String name : List.of("kafka", "schema-registry", "clickhouse", "mock-provider", "routing-engine", "provider-workers",
                "metrics-streams", "ingress")) {
            service(name);
        }
        assertThat(service("kafka").path("image").asText()).startsWith("apache/kafka:");
        assertThat(service("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(service("schema-registry").path("image").asText()).startsWith("confluentinc/cp-schema-registry:");
        assertThat(service("clickhouse").path("image").asText()).startsWith("clickhouse/clickhouse-server:");
    }

    @Test
    void theMetricsStageAndIngressReachClickHouseWithItsCredentials() {
        JsonNode clickHouse = service("clickhouse").path("environment");
        for (String name : List.of("metrics-streams", "ingress")) {
            JsonNode env = service(name).path("environment");
            URI url = URI.create(env.path("CLICKHOUSE_URL").asText());
            assertThat(url.getHost()).as(name).isEqualTo("clickhouse");
            assertThat(url.getPort()).as(name + " uses ClickHouse's HTTP port").isEqualTo(8123);
            assertThat(env.path("CLICKHOUSE_USER").asText()).as(name).isEqualTo(clickHouse.path("CLICKHOUSE_USER").asText());
            assertThat(env.path("CLICKHOUSE_PASSWORD").asText()).as(name).isEqualTo(clickHouse.path("CLICKHOUSE_PASSWORD").asText());
        }
        assertThat(IngressMain.ENVIRONMENT).contains("CLICKHOUSE_URL", "CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD");
        assertThat(service("metrics-streams").path("command").get(0).asText()).isEqualTo("metrics-streams");
        assertThat(compose.path("volumes").has("clickhouse-data")).isTrue();
    }

    @Test
    void switchyardServicesUseKnownCommandsAndOnlyTheVariablesTheirMainsRead() {
        Set<String> providerVariables = providerVariables();
        for (Map.Entry<String, List<String>> entry : ENVIRONMENT_BY_COMMAND.entrySet()) {
            JsonNode service = service(entry.getKey());
            assertThat(service.path("build").asText()).isEqualTo(".");
            assertThat(service.path("command").get(0).asText()).isEqualTo(entry.getKey());
            for (Iterator<String> it = service.path("environment").fieldNames(); it.hasNext(); ) {
                String variable = it.next();
                assertThat(entry.getValue().contains(variable) || providerVariables.contains(variable))
                        .as(entry.getKey() + " reads " + variable).isTrue();
            }
            assertThat(service.path("environment").has("KAFKA_BOOTSTRAP_SERVERS")).isTrue();
            assertThat(service.path("environment").has("SCHEMA_REGISTRY_URL")).isTrue();
        }
        assertThat(service("mock-provider").path("command").get(0).asText()).isEqualTo("mock-provider");
    }

    @Test
    void addressesPointAtTheServicesAndTheirPorts() {
        String advertised = service("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
        String registryListener = service("schema-registry").path("environment").path("SCHEMA_REGISTRY_LISTENERS").asText();
        List<String> mockCommand = new ArrayList<>();
        service("mock-provider").path("command").forEach(n -> mockCommand.add(n.asText()));
        String mockPort = mockCommand.get(mockCommand.indexOf("--port") + 1);
        for (String name : ENVIRONMENT_BY_COMMAND.keySet()) {
            JsonNode env = service(name).path("environment");
            assertThat(advertised).contains("PLAINTEXT://" + env.path("KAFKA_BOOTSTRAP_SERVERS").asText());
            URI registry = URI.create(env.path("SCHEMA_REGISTRY_URL").asText());
            assertThat(registry.getHost()).isEqualTo("schema-registry");
            assertThat(registryListener).endsWith(":" + registry.getPort());
        }
        URI mock = URI.create(service("provider-workers").path("environment").path("SWITCHYARD_MOCK_PROVIDER_URL").asText());
        assertThat(mock.getHost()).isEqualTo("mock-provider");
        assertThat(String.valueOf(mock.getPort())).isEqualTo(mockPort);

        JsonNode ingress = service("ingress");
        int defaultPort = IngressConfig.defaults(new dev.switchyard.schemas.kafka.KafkaSettings("x:1", "t"),
                new dev.switchyard.schemas.serde.EventSerdes("http://x"), dev.switchyard.core.catalog.ModelCatalog.builtIn()).port();
        assertThat(ingress.path("environment").path("SWITCHYARD_PORT").asInt()).isEqualTo(defaultPort);
        assertThat(ingress.path("ports").get(0).asText()).endsWith(":" + defaultPort + ":" + defaultPort);
    }

    @Test
    void theImageEntryPointIsTheLauncher() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile).contains("dev.switchyard.launcher.SwitchyardMain");
        assertThat(Class.forName("dev.switchyard.launcher.SwitchyardMain")).isNotNull();
        assertThat(dockerfile).contains("launcher/target/switchyard-launcher.jar").contains("launcher/target/lib");
    }
}
