package dev.switchyard.engine.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.core.router.RouterDocuments;
import dev.switchyard.events.Candidate;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.Dispatch;
import dev.switchyard.events.FallbackPolicy;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.events.RouterConfig;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RequestRouterTest {
    private static final ModelCatalog CATALOG = ModelCatalog.builtIn();
    private static final RouterDocuments DOCUMENTS = new RouterDocuments(name -> CATALOG.findConfigured(name).map(CatalogModel::id));
    private static final String SEED = """
            {"displayName": "User-Aware", "routes": [
              {"condition": {"cel_expression": "language == \\"es\\""}, "route": {"variants": [{"variant": {"modelId": "openai/gpt-5.2"}, "weight": 100}]}},
              {"condition": {"cel_expression": "plan == \\"free\\""}, "route": {"variants": [{"variant": {"modelId": "anthropic/claude-haiku-4-5"}, "weight": 100}]}}],
             "defaultRoute": {"variants": [{"variant": {"modelId": "anthropic/claude-sonnet-4-6"}, "weight": 100}]}}
            """;
    private static final String SPLIT = """
            {"name": "routers/split", "defaultRoute": {"route_id": "main", "variants": [
               {"variant": {"variant_id": "gpt", "modelId": "openai/gpt-5.2"}, "weight": 50},
               {"variant": {"variant_id": "claude", "modelId": "anthropic/claude-sonnet-4-6"}, "weight": 30},
               {"variant": {"variant_id": "mini", "modelId": "openai/gpt-5-mini"}, "weight": 20}]},
             "fallback": {"models": ["anthropic/claude-haiku-4-5"], "ttft_timeout": "800ms"}}
            """;

    private final Map<String, CompiledRouter> routers = new HashMap<>();
    private final RequestRouter router = new RequestRouter(CATALOG, routers::get);

    private RouterConfig add(String json) throws Exception {
        RouterConfig config = DOCUMENTS.create(new ObjectMapper().readTree(json), Instant.now(), null);
        routers.put(config.getId(), CompiledRouter.compile(config));
        return config;
    }

    private static ChatRequest request(String model, Map<String, Object> metadata, String user) {
        return ChatRequest.newBuilder()
                .setRequestId("req-1").setReceivedAt(Instant.now()).setDeadlineAt(Instant.now().plusSeconds(60))
                .setProtocol(ClientProtocol.OPENAI_CHAT).setModel(model).setUserId(user).setMetadata(metadata)
                .setMessagesJson("[{\"role\":\"user\",\"content\":\"hi\"}]")
                .setReplyTo(new ReplyAddress("llm.replies", 0)).build();
    }

    private Dispatch routed(String model, Map<String, Object> metadata, String user) {
        RoutingDecision decision = router.route(request(model, metadata, user), Instant.now());
        assertThat(decision).isInstanceOf(RoutingDecision.Routed.class);
        return ((RoutingDecision.Routed) decision).dispatch();
    }

    @Test
    void theSeedRouterPicksByMetadata() throws Exception {
        RouterConfig seed = add(SEED);
        assertThat(routed("router/" + seed.getId(), Map.of("language", "es", "plan", "free"), "u1").getCandidates().get(0).getModelId())
                .isEqualTo("openai/gpt-5.2");
        assertThat(routed("router/" + seed.getId(), Map.of("plan", "free"), "u1").getCandidates().get(0).getModelId())
                .isEqualTo("anthropic/claude-haiku-4-5");
        Dispatch other = routed("inworld/" + seed.getId(), Map.of("language", "en"), null);
        assertThat(other.getCandidates().get(0).getModelId()).isEqualTo("anthropic/claude-sonnet-4-6");
        assertThat(other.getRouteId()).isEqualTo(seed.getDefaultRoute().getRouteId());
        assertThat(other.getRouterVersion()).isEqualTo(1);
    }

    @Test
    void usersAreStickyAndTheChainFollowsWeightsThenFallbackModels() throws Exception {
        add(SPLIT);
        Dispatch first = routed("router/split", Map.of(), "alice");
        for (int i = 0; i < 20; i++) {
            assertThat(routed("router/split", Map.of(), "alice").getVariantId()).isEqualTo(first.getVariantId());
        }
        Dispatch gpt = null;
        for (int u = 0; gpt == null; u++) {
            Dispatch d = routed("router/split", Map.of(), "user-" + u);
            if (d.getVariantId().equals("mini")) {
                gpt = d;
            }
        }
        assertThat(gpt.getCandidates()).extracting(Candidate::getModelId)
                .containsExactly("openai/gpt-5-mini", "openai/gpt-5.2", "anthropic/claude-sonnet-4-6", "anthropic/claude-haiku-4-5");
        assertThat(gpt.getCandidates().get(3).getVariantId()).isNull();
        assertThat(gpt.getFallback().getTtftTimeoutMs()).isEqualTo(800);
    }

    @Test
    void withoutAUserTheSplitFollowsTheWeights() throws Exception {
        add(SPLIT);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            counts.merge(routed("router/split", Map.of(), null).getVariantId(), 1, Integer::sum);
        }
        // sd of a 50% share over 10,000 draws is 50: allow 5 sd.
        assertThat(counts.get("gpt")).isBetween(5000 - 250, 5000 + 250);
        assertThat(counts.get("mini")).isBetween(2000 - 200, 2000 + 200);
    }

    @Test
    void aRequestsFallbackOverridesTheRoutersFieldByField() throws Exception {
        add(SPLIT);
        ChatRequest request = request("router/split", Map.of(), "bob");
        request.setFallback(FallbackPolicy.newBuilder().setModels(List.of("openai/gpt-4.1")).setMaxAttempts(2).build());
        Dispatch dispatch = ((RoutingDecision.Routed) router.route(request, Instant.now())).dispatch();
        assertThat(dispatch.getCandidates().get(dispatch.getCandidates().size() - 1).getModelId()).isEqualTo("openai/gpt-4.1");
        assertThat(dispatch.getCandidates()).extracting(Candidate::getModelId).doesNotContain("anthropic/claude-haiku-4-5");
        assertThat(dispatch.getFallback().getMaxAttempts()).isEqualTo(2);
        assertThat(dispatch.getFallback().getTtftTimeoutMs()).isEqualTo(800); // kept from the router
    }

    @Test
    void directModelsAndUnknownNames() {
        Dispatch direct = routed("openai/gpt-5.2", Map.of(), null);
        assertThat(direct.getRouterId()).isNull();
        assertThat(direct.getCandidates()).extracting(Candidate::getModelId).containsExactly("openai/gpt-5.2");
        assertThat(router.route(request("acme/nope", Map.of(), null), Instant.now()))
                .isInstanceOfSatisfying(RoutingDecision.Rejected.class, r -> assertThat(r.error().getStatus()).isEqualTo(404));
        assertThat(router.route(request("router/not-yet", Map.of(), null), Instant.now()))
                .isEqualTo(new RoutingDecision.AwaitingRouter("not-yet"));
    }

    @Test
    void noMatchingRouteAndNoDefaultIsAClearError() throws Exception {
        add("""
                {"name": "routers/es-only", "routes": [{"condition": {"cel_expression": "language == \\"es\\""},
                  "route": {"variants": [{"variant": {"modelId": "openai/gpt-5.2"}, "weight": 100}]}}]}
                """);
        assertThat(router.route(request("router/es-only", Map.of(), null), Instant.now()))
                .isInstanceOfSatisfying(RoutingDecision.Rejected.class, r -> {
                    assertThat(r.error().getStatus()).isEqualTo(400);
                    assertThat(r.error().getCode()).isEqualTo("no_route_matched");
                });
    }

    @Test
    void requestFactsCountMessages() {
        assertThat(RequestFacts.countMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"}]},{\"role\":\"assistant\",\"content\":\"b\"}]")).isEqualTo(2);
        assertThat(RequestFacts.countMessages("not json")).isZero();
    }
}
