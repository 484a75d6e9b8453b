package dev.switchyard.ingress.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.events.BucketRange;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.testsupport.kafka.TopicTail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ramp actions on a real broker: {@code :promote} moves a route to 100 % of one variant as a new router version,
 * {@code :restore} publishes an earlier version's routes (and sticky allocation) as the next one; both land on
 * router.configs and router.versions like a PATCH, and the history keeps every version.
 */
@Timeout(120)
class RampIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static IngressKit kit;
    private static IngressService ingress;

    @BeforeAll
    static void start() {
        kit = new IngressKit();
        ingress = kit.start(c -> c);
    }

    @AfterAll
    static void stop() {
        ingress.close();
        kit.close();
    }

    private static String create() {
        String id = "ramp-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = kit.send(kit.post(ingress, "/router/v1/routers", ExperimentRouters.body(id)).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return id;
    }

    private static Map<String, Integer> weights(JsonNode router) {
        return java.util.stream.StreamSupport.stream(router.at("/defaultRoute/variants").spliterator(), false)
                .collect(Collectors.toMap(v -> v.at("/variant/variant_id").asText(), v -> v.get("weight").asInt()));
    }

    private static Map<String, Integer> buckets(RouterConfig config) {
        return config.getDefaultRoute().getAllocation().stream()
                .collect(Collectors.groupingBy(BucketRange::getVariantId, Collectors.summingInt(r -> r.getEnd() - r.getStart())));
    }

    @Test
    void promoteMovesTheRouteTo100PercentAndRestoreBringsBackTheEarlierVersion() throws Exception {
        try (TopicTail<RouterConfig> versions = kit.routerVersions(); TopicTail<RouterConfig> configs = kit.routerConfigs()) {
            String id = create();
            RouterConfig v1 = versions.await(r -> (id + "@1").equals(r.key()), IngressKit.WAIT).value();
            assertThat(buckets(v1)).isEqualTo(Map.of("ctl", 5_000, "new", 5_000));

            // Without ClickHouse no report can call "new" the winner: only a forced promotion goes through.
            HttpResponse<String> unchecked = kit.send(kit.post(ingress, "/router/v1/routers/" + id + ":promote", "{\"variant\":\"new\"}").build());
            assertThat(unchecked.statusCode()).as(unchecked.body()).isEqualTo(503);
            assertThat(JSON.readTree(unchecked.body()).at("/error/code").asText()).isEqualTo("reports_unavailable");
            assertThat(JSON.readTree(unchecked.body()).at("/error/message").asText()).contains("\"force\": true");
            HttpResponse<String> promoted = kit.send(kit.post(ingress, "/router/v1/routers/" + id + ":promote",
                    "{\"route\":\"main\",\"variant\":\"new\",\"force\":true}").build());
            assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
            JsonNode v2 = JSON.readTree(promoted.body());
            assertThat(v2.get("version").asInt()).isEqualTo(2);
            assertThat(weights(v2)).isEqualTo(Map.of("ctl", 0, "new", 100));
            assertThat(weights(JSON.readTree(kit.get(ingress, "/router/v1/routers/" + id).body()))).isEqualTo(Map.of("ctl", 0, "new", 100));
            RouterConfig published = configs.await(r -> id.equals(r.key()) && r.value().getVersion() == 2, IngressKit.WAIT).value();
            assertThat(buckets(published)).isEqualTo(Map.of("new", 10_000));
            assertThat(published.getMetrics()).hasSize(3);
            versions.await(r -> (id + "@2").equals(r.key()), IngressKit.WAIT);

            HttpResponse<String> restored = kit.send(kit.post(ingress, "/router/v1/routers/" + id + ":restore", "{\"version\":1}").build());
            assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
            JsonNode v3 = JSON.readTree(restored.body());
            assertThat(v3.get("version").asInt()).isEqualTo(3);
            assertThat(weights(v3)).isEqualTo(Map.of("ctl", 50, "new", 50));
            assertThat(v3.get("displayName").asText()).isEqualTo("Checkout assistant");
            RouterConfig restoredVersion = versions.await(r -> (id + "@3").equals(r.key()), IngressKit.WAIT).value();
            RouterConfig current = configs.await(r -> id.equals(r.key()) && r.value().getVersion() == 3, IngressKit.WAIT).value();
            // Users go back to the very buckets, so the very variants, they had in version 1.
            assertThat(restoredVersion.getDefaultRoute()).isEqualTo(v1.getDefaultRoute());
            assertThat(current.getDefaultRoute()).isEqualTo(v1.getDefaultRoute());
            assertThat(current.getMetrics()).isEqualTo(v1.getMetrics());
            assertThat(current.getDefaultRoute().getVariants()).extracting(Variant::getVariantId).containsExactly("ctl", "new");

            HttpResponse<String> history = kit.get(ingress, "/router/v1/routers/" + id + "/versions");
            assertThat(history.statusCode()).isEqualTo(200);
            JsonNode items = JSON.readTree(history.body()).get("versions");
            assertThat(items).hasSize(3);
            assertThat(items.get(0).get("version").asInt()).isEqualTo(1);
            assertThat(weights(items.get(0))).isEqualTo(Map.of("ctl", 50, "new", 50));
            assertThat(weights(items.get(1))).isEqualTo(Map.of("ctl", 0, "new", 100));
            assertThat(weights(items.get(2))).isEqualTo(Map.of("ctl", 50, "new", 50));
        }
    }

    @Test
    void badRampRequestsAre400Or404AndPublishNoVersion() throws Exception {
        String id = create();
        List<String[]> bad = List.of(
                new String[]{":promote", "{\"variant\":\"nope\"}", "400", "variant"},
                new String[]{":promote", "{}", "400", "variant"},
                new String[]{":promote", "{\"variant\":3}", "400", "variant"},
                new String[]{":promote", "{\"route\":\"nope\",\"variant\":\"new\",\"force\":true}", "400", "route"},
                new String[]{":promote", "{\"route\":\"main\",\"variant\":\"nope\",\"force\":true}", "400", "variant"},
                new String[]{":promote", "{\"route\":\"main\",\"variant\":\"new\",\"force\":\"yes\"}", "400", "force"},
                new String[]{":restore", "{\"version\":\"one\"}", "400", "version"},
                new String[]{":restore", "{}", "400", "version"},
                new String[]{":restore", "{\"version\":42}", "404", "version"});
        for (String[] c : bad) {
            HttpResponse<String> answer = kit.send(kit.post(ingress, "/router/v1/routers/" + id + c[0], c[1]).build());
            assertThat(answer.statusCode()).as(c[0] + " " + c[1] + " → " + answer.body()).isEqualTo(Integer.parseInt(c[2]));
            assertThat(JSON.readTree(answer.body()).at("/error/param").asText()).as(c[0] + " " + c[1]).isEqualTo(c[3]);
        }
        HttpResponse<String> unknown = kit.send(kit.post(ingress, "/router/v1/routers/no-such-router:promote", "{\"variant\":\"ctl\"}").build());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).at("/error/code").asText()).isEqualTo("router_not_found");
        JsonNode history = JSON.readTree(kit.get(ingress, "/router/v1/routers/" + id + "/versions").body()).get("versions");
        assertThat(history).hasSize(1);
        assertThat(JSON.readTree(kit.get(ingress, "/router/v1/routers/" + id).body()).get("version").asInt()).isEqualTo(1);
    }

    /** Variant ids are unique only within a route: "fast" and "smart" in both routes. */
    @Test
    void promoteChangesOnlyTheNamedRouteAndRefusesAnAmbiguousVariant() throws Exception {
        String id = "ramp-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = kit.send(kit.post(ingress, "/router/v1/routers", """
                {"name": "routers/%s",
                 "routes": [{"condition": {"cel_expression": "plan == \\"free\\""}, "route": {"route_id": "free", "variants": [
                   {"variant": {"variant_id": "fast", "modelId": "openai/gpt-5.2"}, "weight": 50},
                   {"variant": {"variant_id": "smart", "modelId": "anthropic/claude-haiku-4-5"}, "weight": 50}]}}],
                 "defaultRoute": {"route_id": "main", "variants": [
                   {"variant": {"variant_id": "fast", "modelId": "openai/gpt-5.2"}, "weight": 50},
                   {"variant": {"variant_id": "smart", "modelId": "anthropic/claude-haiku-4-5"}, "weight": 50}]}}
                """.formatted(id)).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

        HttpResponse<String> ambiguous = kit.send(kit.post(ingress, "/router/v1/routers/" + id + ":promote",
                "{\"variant\":\"smart\",\"force\":true}").build());
        assertThat(ambiguous.statusCode()).as(ambiguous.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(ambiguous.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo("route");
        assertThat(error.get("message").asText()).contains("free, main");

        HttpResponse<String> promoted = kit.send(kit.post(ingress, "/router/v1/routers/" + id + ":promote",
                "{\"route\":\"free\",\"variant\":\"smart\",\"force\":true}").build());
        assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
        JsonNode v2 = JSON.readTree(promoted.body());
        assertThat(v2.get("version").asInt()).isEqualTo(2);
        assertThat(v2.at("/routes/0/route/variants/0/weight").asInt()).isEqualTo(0);
        assertThat(v2.at("/routes/0/route/variants/1/weight").asInt()).isEqualTo(100);
        assertThat(weights(v2)).isEqualTo(Map.of("fast", 50, "smart", 50));
    }
}
