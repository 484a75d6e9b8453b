package dev.switchyard.ingress.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.testsupport.kafka.TopicTail;
import dev.switchyard.testsupport.services.SharedServices;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static dev.switchyard.ingress.it.IngressKit.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** The router admin API, through router.configs and router.versions on the real broker. */
@ExtendWith(SharedServices.class)
@Timeout(120)
class RouterAdminIT {
    private static final String ROUTERS = "/router/v1/routers";
    private static IngressKit kit;
    private static IngressService ingress;
    private static TopicTail<RouterConfig> configs;
    private static TopicTail<RouterConfig> versions;

    @BeforeAll
    static void start() {
        kit = new IngressKit();
        ingress = kit.start(c -> c);
        configs = kit.routerConfigs();
        versions = kit.routerVersions();
    }

    @AfterAll
    static void stop() {
        configs.close();
        versions.close();
        ingress.close();
        kit.close();
    }

    private static JsonNode json(HttpResponse<String> response) {
        return Json.parse(Buffer.buffer(response.body()));
    }

    @Test
    void createReadPatchDeleteRoundTrip() {
        HttpResponse<String> created = kit.send(kit.post(ingress, ROUTERS, IngressKit.resource("seed-router.json")).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode router = json(created);
        String id = router.get("id").asText();
        assertThat(router.get("name").asText()).isEqualTo("routers/" + id);
        assertThat(router.get("displayName").asText()).isEqualTo("User-Aware");
        assertThat(router.get("version").asLong()).isEqualTo(1);
        assertThat(router.at("/routes/0/condition/cel_expression").asText()).isEqualTo("language == \"es\"");
        assertThat(router.at("/routes/0/route/variants/0/variant/model_id").asText()).isEqualTo("openai/gpt-5.2");
        assertThat(router.at("/routes/0/route/variants/0/weight").asInt()).isEqualTo(100);
        assertThat(router.at("/defaultRoute/variants/0/variant/model_id").asText()).isEqualTo("anthropic/claude-sonnet-4-6");
        String esRoute = router.at("/routes/0/route/route_id").asText();
        String freeRoute = router.at("/routes/1/route/route_id").asText();
        String defaultRoute = router.at("/defaultRoute/route_id").asText();
        String gptVariant = router.at("/routes/0/route/variants/0/variant/variant_id").asText();
        assertThat(esRoute).isNotBlank().isNotEqualTo(freeRoute);

        assertThat(configs.await(r -> r.key().equals(id), WAIT).value().getVersion()).isEqualTo(1);
        assertThat(versions.await(r -> r.key().equals(id + "@1"), WAIT).value().getDisplayName()).isEqualTo("User-Aware");

        HttpResponse<String> read = kit.get(ingress, ROUTERS + "/" + id);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read)).isEqualTo(router);
        assertThat(json(kit.get(ingress, ROUTERS)).get("routers").findValuesAsText("id")).contains(id);
        assertThat(json(kit.get(ingress, "/v1/models")).get("data").findValuesAsText("id")).contains("router/" + id);

        String patch = "{\"displayName\":\"User-Aware v2\",\"routes\":["
                + "{\"condition\":{\"cel_expression\":\"language == \\\"es\\\"\"},\"route\":{\"variants\":["
                + "{\"variant\":{\"modelId\":\"openai/gpt-5.2\"},\"weight\":60},{\"variant\":{\"modelId\":\"anthropic/claude-haiku-4-5\"},\"weight\":40}]}},"
                + "{\"condition\":{\"cel_expression\":\"plan == \\\"free\\\"\"},\"route\":{\"variants\":["
                + "{\"variant\":{\"modelId\":\"anthropic/claude-haiku-4-5\"},\"weight\":100}]}}]}";
        HttpResponse<String> patched = kit.method(ingress, "PATCH", ROUTERS + "/" + id + "?update_mask=displayName,routes", patch);
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode v2 = json(patched);
        assertThat(v2.get("version").asLong()).isEqualTo(2);
        assertThat(v2.get("displayName").asText()).isEqualTo("User-Aware v2");
        assertThat(v2.at("/routes/0/route/route_id").asText()).isEqualTo(esRoute);
        assertThat(v2.at("/routes/1/route/route_id").asText()).isEqualTo(freeRoute);
        assertThat(v2.at("/defaultRoute/route_id").asText()).isEqualTo(defaultRoute);
        assertThat(v2.at("/routes/0/route/variants/0/variant/variant_id").asText()).isEqualTo(gptVariant);
        assertThat(v2.at("/routes/0/route/variants/0/weight").asInt()).isEqualTo(60);
        assertThat(v2.at("/routes/0/route/variants/1/variant/variant_id").asText()).isNotBlank().isNotEqualTo(gptVariant);

        RouterConfig onTopic = configs.await(r -> r.key().equals(id) && r.value() != null && r.value().getVersion() == 2, WAIT).value();
        assertThat(onTopic.getRoutes().get(0).getVariants()).hasSize(2);
        assertThat(onTopic.getRoutes().get(0).getAllocation()).isNotEmpty();
        versions.await(r -> r.key().equals(id + "@2"), WAIT);
        assertThat(json(kit.get(ingress, ROUTERS + "/" + id)).get("version").asLong()).isEqualTo(2);

        HttpResponse<String> history = kit.get(ingress, ROUTERS + "/" + id + "/versions");
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(json(history).get("versions").findValuesAsText("version")).containsExactly("1", "2");

        HttpResponse<String> deleted = kit.method(ingress, "DELETE", ROUTERS + "/" + id, null);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo("{}");
        configs.await(r -> r.key().equals(id) && r.value() == null, WAIT);
        assertThat(versions.await(r -> r.key().equals(id + "@3"), WAIT).value().getDeleted()).isTrue();

        HttpResponse<String> gone = kit.get(ingress, ROUTERS + "/" + id);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(json(gone).at("/error/code").asText()).isEqualTo("router_not_found");
        JsonNode all = json(kit.get(ingress, ROUTERS + "/" + id + "/versions")).get("versions");
        assertThat(all).hasSize(3);
        assertThat(all.get(2).get("deleted").asBoolean()).isTrue();
    }

    @Test
    void aRouterNamesModelsAsRequestsDoAndIsStoredWithCatalogIds() {
        HttpResponse<String> created = kit.send(kit.post(ingress, ROUTERS, "{\"defaultRoute\":{\"variants\":["
                + "{\"variant\":{\"modelId\":\"gpt-5.2\"},\"weight\":50},"
                + "{\"variant\":{\"modelId\":\"claude-haiku-4-5-20991231\"},\"weight\":50}]},"
                + "\"fallback\":{\"models\":[\"gpt-5-mini\"]}}").build());
        assertThat(created.statusCode()).isEqualTo(200);
        String id = json(created).get("id").asText();
        JsonNode stored = json(kit.get(ingress, ROUTERS + "/" + id));
        assertThat(stored.at("/defaultRoute/variants").findValuesAsText("model_id"))
                .containsExactly("openai/gpt-5.2", "anthropic/claude-haiku-4-5");
        assertThat(stored.at("/fallback/models/0").asText()).isEqualTo("openai/gpt-5-mini");
    }

    @Test
    void aTakenIdIs409AndARecreatedIdContinuesItsHistory() {
        String id = "fixed-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"name\":\"routers/" + id + "\",\"defaultRoute\":{\"variants\":[{\"variant\":{\"modelId\":\"openai/gpt-5.2\"},\"weight\":100}]}}";
        assertThat(kit.send(kit.post(ingress, ROUTERS, body).build()).statusCode()).isEqualTo(200);
        HttpResponse<String> again = kit.send(kit.post(ingress, ROUTERS, body).build());
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).at("/error/code").asText()).isEqualTo("already_exists");

        assertThat(kit.method(ingress, "DELETE", ROUTERS + "/" + id, null).statusCode()).isEqualTo(200);
        HttpResponse<String> recreated = kit.send(kit.post(ingress, ROUTERS, body).build());
        assertThat(recreated.statusCode()).isEqualTo(200);
        assertThat(json(recreated).get("version").asLong()).isEqualTo(3); // 1 created, 2 deleted, 3 created again
        assertThat(json(kit.get(ingress, ROUTERS + "/" + id + "/versions")).get("versions").findValuesAsText("version"))
                .containsExactly("1", "2", "3");
    }

    @Test
    void anInvalidRouterIs400AndNothingIsPublished() {
        int before = configs.records().size();
        HttpResponse<String> badCel = kit.send(kit.post(ingress, ROUTERS, "{\"routes\":[{\"condition\":{\"cel_expression\":\"language ==\"},"
                + "\"route\":{\"variants\":[{\"variant\":{\"modelId\":\"openai/gpt-5.2\"},\"weight\":100}]}}]}").build());
        assertThat(badCel.statusCode()).isEqualTo(400);
        JsonNode error = json(badCel).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_router");
        assertThat(error.get("param").asText()).isEqualTo("routes[0].condition.cel_expression");
        assertThat(error.get("message").asText()).startsWith("routes[0].condition.cel_expression: ");

        HttpResponse<String> badWeights = kit.send(kit.post(ingress, ROUTERS,
                "{\"defaultRoute\":{\"variants\":[{\"variant\":{\"modelId\":\"openai/gpt-5.2\"},\"weight\":90}]}}").build());
        assertThat(badWeights.statusCode()).isEqualTo(400);
        assertThat(json(badWeights).at("/error/param").asText()).isEqualTo("defaultRoute.variants");
        HttpResponse<String> unknownModel = kit.send(kit.post(ingress, ROUTERS,
                "{\"defaultRoute\":{\"variants\":[{\"variant\":{\"modelId\":\"acme/nope\"},\"weight\":100}]}}").build());
        assertThat(unknownModel.statusCode()).isEqualTo(400);
        assertThat(kit.send(kit.post(ingress, ROUTERS, "{not json").build()).statusCode()).isEqualTo(400);

        // One good router afterwards is the only new record.
        HttpResponse<String> good = kit.send(kit.post(ingress, ROUTERS, IngressKit.resource("seed-router.json")).build());
        assertThat(good.statusCode()).isEqualTo(200);
        String id = json(good).get("id").asText();
        configs.await(r -> id.equals(r.key()), IngressKit.WAIT);
        assertThat(configs.records()).hasSize(before + 1);
    }

    @Test
    void twoInstancesPatchingOneRouterAtOnceNeverShareAVersion() throws Exception {
        IngressService other = kit.start(c -> c);
        try {
            HttpResponse<String> created = kit.send(kit.post(ingress, ROUTERS, IngressKit.resource("seed-router.json")).build());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            String id = json(created).get("id").asText();
            IngressKit.await(() -> kit.get(other, ROUTERS + "/" + id).statusCode() == 200, "the other instance to see the router");

            // Four changes through each instance at once: each instance serialises its own, the two race each other.
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                IngressService via = i % 2 == 0 ? ingress : other;
                String name = "name-" + i;
                answers.add(clients.submit(() -> kit.method(via, "PATCH", ROUTERS + "/" + id + "?update_mask=displayName",
                        "{\"displayName\":\"" + name + "\"}")));
            }
            Map<Long, String> committed = new TreeMap<>(); // version -> displayName, from the 200s
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                // 503 only when a commit failed without a verdict and, read back, had certainly not been written.
                assertThat(response.statusCode()).as(response.body()).isIn(200, 409, 503);
                if (response.statusCode() == 200) {
                    JsonNode router = json(response);
                    String earlier = committed.put(router.get("version").asLong(), router.get("displayName").asText());
                    assertThat(earlier).as("version %s answered twice", router.get("version")).isNull();
                } else if (response.statusCode() == 409) {
                    assertThat(json(response).at("/error/code").asText()).isEqualTo("concurrent_change");
                } else {
                    assertThat(json(response).at("/error/message").asText()).startsWith("The router change was not made");
                }
            }
            clients.shutdown();

            // The 200s are exactly versions 2..n+1, the history holds those and nothing else, both instances read the last.
            long last = committed.size() + 1;
            assertThat(committed.keySet()).containsExactlyElementsOf(LongStream.rangeClosed(2, last).boxed().toList());
            JsonNode history = json(kit.get(ingress, ROUTERS + "/" + id + "/versions")).get("versions");
            assertThat(history).hasSize((int) last);
            for (JsonNode version : history) {
                long number = version.get("version").asLong();
                if (number > 1) {
                    assertThat(version.get("displayName").asText()).isEqualTo(committed.get(number));
                }
            }
            for (IngressService instance : List.of(ingress, other)) {
                IngressKit.await(() -> json(kit.get(instance, ROUTERS + "/" + id)).get("version").asLong() == last,
                        "every instance to read version " + last);
                assertThat(json(kit.get(instance, ROUTERS + "/" + id)).get("displayName").asText()).isEqualTo(committed.get(last));
            }
        } finally {
            other.close();
        }
    }

    @Test
    void unknownRoutersAre404AndBadPatchesAre400() {
        assertThat(kit.method(ingress, "PATCH", ROUTERS + "/no-such-router?update_mask=displayName", "{\"displayName\":\"x\"}").statusCode()).isEqualTo(404);
        assertThat(kit.method(ingress, "DELETE", ROUTERS + "/no-such-router", null).statusCode()).isEqualTo(404);
        assertThat(kit.get(ingress, ROUTERS + "/no-such-router/versions").statusCode()).isEqualTo(404);

        String id = json(kit.send(kit.post(ingress, ROUTERS, IngressKit.resource("seed-router.json")).build())).get("id").asText();
        HttpResponse<String> badMask = kit.method(ingress, "PATCH", ROUTERS + "/" + id + "?update_mask=colour", "{}");
        assertThat(badMask.statusCode()).isEqualTo(400);
        assertThat(json(badMask).at("/error/param").asText()).isEqualTo("update_mask");
    }
}
