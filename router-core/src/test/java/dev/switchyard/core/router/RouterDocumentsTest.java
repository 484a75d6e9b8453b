package dev.switchyard.core.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouterDocumentsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelCatalog CATALOG = ModelCatalog.builtIn();
    private final RouterDocuments documents = new RouterDocuments(name -> CATALOG.findConfigured(name).map(CatalogModel::id));
    private final Instant now = Instant.parse("2026-11-24T10:00:00Z");

    private static JsonNode seed() throws Exception {
        try (InputStream in = RouterDocumentsTest.class.getResourceAsStream("/seed-router.json")) {
            return JSON.readTree(in);
        }
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void acceptsTheSeedRouterVerbatim() throws Exception {
        RouterConfig config = documents.create(seed(), now, "test");
        assertThat(config.getVersion()).isEqualTo(1);
        assertThat(config.getDisplayName()).isEqualTo("User-Aware");
        assertThat(config.getRoutes()).hasSize(2);
        assertThat(config.getRoutes().get(0).getCelExpression()).isEqualTo("language == \"es\"");
        assertThat(config.getRoutes().get(0).getVariants().get(0).getModelId()).isEqualTo("openai/gpt-5.2");
        assertThat(config.getDefaultRoute().getVariants().get(0).getModelId()).isEqualTo("anthropic/claude-sonnet-4-6");
        assertThat(config.getRoutes().get(0).getRouteId()).isNotEqualTo(config.getRoutes().get(1).getRouteId());
        assertThat(config.getRoutes().get(0).getAllocation()).hasSize(1);
    }

    @Test
    void rendersInworldsShapeAndParsesItBack() throws Exception {
        RouterConfig config = documents.create(seed(), now, "test");
        ObjectNode rendered = RouterDocuments.render(config);
        assertThat(rendered.get("name").asText()).isEqualTo("routers/" + config.getId());
        assertThat(rendered.at("/routes/0/condition/cel_expression").asText()).isEqualTo("language == \"es\"");
        assertThat(rendered.at("/routes/0/route/variants/0/variant/model_id").asText()).isEqualTo("openai/gpt-5.2");
        assertThat(rendered.at("/routes/0/route/variants/0/weight").asInt()).isEqualTo(100);
        assertThat(rendered.at("/defaultRoute/route_id").asText()).isEqualTo(config.getDefaultRoute().getRouteId());
        assertThat(rendered.get("version").asLong()).isEqualTo(1);

        RouterConfig again = documents.create(rendered, now, "test");
        assertThat(again.getId()).isEqualTo(config.getId());
        assertThat(again.getRoutes()).isEqualTo(config.getRoutes());
    }

    @Test
    void takesTheIdFromNameAndKeepsGivenIds() throws Exception {
        RouterConfig config = documents.create(json("""
                {"name": "routers/my-router", "routes": [{"route": {"route_id": "premium", "variants": [
                  {"variant": {"variant_id": "gpt", "model_id": "openai/gpt-5.2"}, "weight": 60},
                  {"variant": {"variant_id": "claude", "model_id": "anthropic/claude-sonnet-4-6"}, "weight": 40}]},
                  "condition": {"cel_expression": "tier == \\"premium\\""}}],
                 "defaultRoute": {"route_id": "rest", "variants": [{"variant": {"model_id": "openai/gpt-5-mini"}, "weight": 100}]}}
                """), now, null);
        assertThat(config.getId()).isEqualTo("my-router");
        assertThat(config.getRoutes().get(0).getRouteId()).isEqualTo("premium");
        assertThat(config.getRoutes().get(0).getVariants()).extracting(Variant::getVariantId).containsExactly("gpt", "claude");
        assertThat(config.getDefaultRoute().getRouteId()).isEqualTo("rest");
    }

    @Test
    void patchWithoutIdsKeepsIdsByConditionAndModelAndMovesOnlyNeededBuckets() throws Exception {
        RouterConfig v1 = documents.create(json("""
                {"routes": [{"condition": {"cel_expression": "plan == \\"free\\""}, "route": {"variants": [
                  {"variant": {"modelId": "openai/gpt-5-mini"}, "weight": 90},
                  {"variant": {"modelId": "anthropic/claude-haiku-4-5"}, "weight": 10}]}}],
                 "defaultRoute": {"variants": [{"variant": {"modelId": "anthropic/claude-sonnet-4-6"}, "weight": 100}]}}
                """), now, null);
        Route free = v1.getRoutes().get(0);
        RouterConfig v2 = documents.patch(v1, json("""
                {"routes": [
                  {"condition": {"cel_expression": "language == \\"es\\""}, "route": {"variants": [{"variant": {"modelId": "openai/gpt-5.2"}, "weight": 100}]}},
                  {"condition": {"cel_expression": "plan == \\"free\\""}, "route": {"variants": [
                    {"variant": {"modelId": "anthropic/claude-haiku-4-5"}, "weight": 20},
                    {"variant": {"modelId": "openai/gpt-5-mini"}, "weight": 80}]}}]}
                """), List.of("routes"), now.plusSeconds(60), "ops");
        assertThat(v2.getVersion()).isEqualTo(2);
        assertThat(v2.getId()).isEqualTo(v1.getId());
        Route freeAfter = v2.getRoutes().get(1);
        assertThat(freeAfter.getRouteId()).isEqualTo(free.getRouteId());
        assertThat(variantId(freeAfter, "openai/gpt-5-mini")).isEqualTo(variantId(free, "openai/gpt-5-mini"));
        assertThat(variantId(freeAfter, "anthropic/claude-haiku-4-5")).isEqualTo(variantId(free, "anthropic/claude-haiku-4-5"));
        assertThat(v2.getRoutes().get(0).getRouteId()).isNotIn(free.getRouteId(), v1.getDefaultRoute().getRouteId());
        assertThat(v2.getDefaultRoute()).isEqualTo(v1.getDefaultRoute()); // not in the mask: untouched
        assertThat(v2.getUpdatedBy()).isEqualTo("ops");
        assertThat(v2.getCreatedAt()).isEqualTo(v1.getCreatedAt());
        // 10 -> 20 moves exactly 1,000 buckets, from the shrinking variant to the growing one.
        String mini = variantId(free, "openai/gpt-5-mini");
        int moved = 0;
        for (int bucket = 0; bucket < 10_000; bucket++) {
            String before = dev.switchyard.core.allocation.BucketAllocator.variantOf(free.getAllocation(), bucket);
            String after = dev.switchyard.core.allocation.BucketAllocator.variantOf(freeAfter.getAllocation(), bucket);
            if (!before.equals(after)) {
                moved++;
                assertThat(before).isEqualTo(mini);
            }
        }
        assertThat(moved).isEqualTo(1000);
    }

    @Test
    void aPatchThatNamesAnIdKeepsItEvenWhenAnIdLessEntryRepeatsItsOldExpressionOrModel() throws Exception {
        RouterConfig v1 = documents.create(json("""
                {"routes": [{"condition": {"cel_expression": "a == 1"}, "route": {"route_id": "r1", "variants": [
                  {"variant": {"variant_id": "v1", "modelId": "openai/gpt-5-mini"}, "weight": 100}]}}],
                 "defaultRoute": {"variants": [{"variant": {"modelId": "anthropic/claude-sonnet-4-6"}, "weight": 100}]}}
                """), now, null);
        // The first entry repeats r1's old expression without an id, the second names r1 (a new expression); likewise
        // an id-less variant on v1's model before the entry that names v1.
        RouterConfig v2 = documents.patch(v1, json("""
                {"routes": [
                  {"condition": {"cel_expression": "a == 1"}, "route": {"variants": [
                    {"variant": {"modelId": "openai/gpt-5.2"}, "weight": 100}]}},
                  {"condition": {"cel_expression": "b == 2"}, "route": {"route_id": "r1", "variants": [
                    {"variant": {"modelId": "openai/gpt-5-mini"}, "weight": 50},
                    {"variant": {"variant_id": "v1", "modelId": "anthropic/claude-haiku-4-5"}, "weight": 50}]}}]}
                """), List.of("routes"), now.plusSeconds(60), null);

        assertThat(v2.getRoutes().get(1).getRouteId()).isEqualTo("r1");
        assertThat(v2.getRoutes().get(1).getCelExpression()).isEqualTo("b == 2");
        assertThat(v2.getRoutes().get(0).getRouteId()).isNotEqualTo("r1");
        assertThat(variantId(v2.getRoutes().get(1), "anthropic/claude-haiku-4-5")).isEqualTo("v1");
        assertThat(variantId(v2.getRoutes().get(1), "openai/gpt-5-mini")).isNotEqualTo("v1");
    }

    @Test
    void patchDisplayNameOnlyTouchesIt() throws Exception {
        RouterConfig v1 = documents.create(seed(), now, null);
        RouterConfig v2 = documents.patch(v1, json("{\"displayName\": \"Renamed\", \"routes\": []}"), List.of("displayName"), now, null);
        assertThat(v2.getDisplayName()).isEqualTo("Renamed");
        assertThat(v2.getRoutes()).isEqualTo(v1.getRoutes());
    }

    @Test
    void promoteMovesAllTrafficToTheVariant() throws Exception {
        RouterConfig v1 = documents.create(json("""
                {"defaultRoute": {"variants": [
                  {"variant": {"variant_id": "a", "modelId": "openai/gpt-5-mini"}, "weight": 50},
                  {"variant": {"variant_id": "b", "modelId": "anthropic/claude-haiku-4-5"}, "weight": 50}]}}
                """), now, null);
        RouterConfig v2 = documents.promote(v1, null, "b", now, null);
        assertThat(v2.getDefaultRoute().getVariants()).extracting(Variant::getWeight).containsExactly(0, 100);
        assertThat(v2.getDefaultRoute().getAllocation()).hasSize(1);
        assertThat(v2.getDefaultRoute().getAllocation().get(0).getVariantId()).isEqualTo("b");
    }

    /** Variant ids are unique only within a route: two routes that both have "a" and "b". */
    private RouterConfig twoRoutesWithTheSameVariantIds() throws Exception {
        return documents.create(json("""
                {"routes": [{"condition": {"cel_expression": "plan == \\"free\\""}, "route": {"route_id": "free", "variants": [
                  {"variant": {"variant_id": "a", "modelId": "openai/gpt-5-mini"}, "weight": 50},
                  {"variant": {"variant_id": "b", "modelId": "anthropic/claude-haiku-4-5"}, "weight": 50}]}}],
                 "defaultRoute": {"route_id": "rest", "variants": [
                  {"variant": {"variant_id": "a", "modelId": "openai/gpt-5.2"}, "weight": 90},
                  {"variant": {"variant_id": "b", "modelId": "anthropic/claude-sonnet-4-6"}, "weight": 10}]}}
                """), now, null);
    }

    @Test
    void promoteChangesOnlyTheNamedRoute() throws Exception {
        RouterConfig v1 = twoRoutesWithTheSameVariantIds();
        RouterConfig v2 = documents.promote(v1, "rest", "b", now, null);
        assertThat(v2.getDefaultRoute().getVariants()).extracting(Variant::getWeight).containsExactly(0, 100);
        assertThat(v2.getRoutes()).isEqualTo(v1.getRoutes());
        RouterConfig v3 = documents.promote(v1, "free", "a", now, null);
        assertThat(v3.getRoutes().get(0).getVariants()).extracting(Variant::getWeight).containsExactly(100, 0);
        assertThat(v3.getDefaultRoute()).isEqualTo(v1.getDefaultRoute());
    }

    @Test
    void promoteWithoutARouteRefusesAVariantIdSeveralRoutesHave() throws Exception {
        RouterConfig v1 = twoRoutesWithTheSameVariantIds();
        assertThatThrownBy(() -> documents.promote(v1, null, "b", now, null))
                .isInstanceOf(RouterValidationException.class)
                .satisfies(e -> assertThat(((RouterValidationException) e).field()).isEqualTo("route"))
                .hasMessageContaining("free, rest");
        assertThatThrownBy(() -> documents.promote(v1, "nope", "b", now, null))
                .isInstanceOf(RouterValidationException.class)
                .satisfies(e -> assertThat(((RouterValidationException) e).field()).isEqualTo("route"));
        assertThatThrownBy(() -> documents.promote(v1, "rest", "c", now, null))
                .isInstanceOf(RouterValidationException.class)
                .satisfies(e -> assertThat(((RouterValidationException) e).field()).isEqualTo("variant"));
        assertThatThrownBy(() -> documents.promote(v1, null, "c", now, null))
                .isInstanceOf(RouterValidationException.class)
                .satisfies(e -> assertThat(((RouterValidationException) e).field()).isEqualTo("variant"));
    }

    @Test
    void rejectsBadRoutersNamingTheField() {
        assertInvalid("""
                {"routes": [{"condition": {"cel_expression": "language == "}, "route": {"variants": [{"variant": {"modelId": "openai/gpt-5.2"}, "weight": 100}]}}]}
                """, "routes[0].condition.cel_expression", "mismatched input");
        assertInvalid("""
                {"routes": [{"condition": {"cel_expression": "\\"es\\""}, "route": {"variants": [{"variant": {"modelId": "openai/gpt-5.2"}, "weight": 100}]}}]}
                """, "routes[0].condition.cel_expression", "boolean");
        assertInvalid("""
                {"defaultRoute": {"variants": [{"variant": {"modelId": "openai/gpt-5.2"}, "weight": 60}, {"variant": {"modelId": "openai/gpt-5-mini"}, "weight": 30}]}}
                """, "defaultRoute.variants", "sum to 100");
        assertInvalid("""
                {"defaultRoute": {"variants": [{"variant": {"modelId": "acme/unknown-model"}, "weight": 100}]}}
                """, "defaultRoute.variants[0].variant.model_id", "unknown model");
        assertInvalid("""
                {"defaultRoute": {"variants": [{"variant": {"modelId": "openai/gpt-5.2"}, "weight": "100"}]}}
                """, "defaultRoute.variants[0].weight", "integer");
        assertInvalid("{\"displayName\": \"nothing\"}", "routes", "at least one route");
        assertInvalid("""
                {"defaultRoute": {"variants": [{"variant": {"modelId": "openai/gpt-5.2"}, "weight": 100}]}, "fallback": {"ttft_timeout": "soon"}}
                """, "fallback.ttft_timeout", "duration");
        assertInvalid("""
                {"defaultRoute": {"variants": [{"variant": {"modelId": "openai/gpt-5.2"}, "weight": 100}]}, "metrics": [{"name": "csat", "kind": "stars"}]}
                """, "metrics[0].kind", "must be one of");
    }

    @Test
    void parsesFallbackDurations() throws Exception {
        RouterConfig config = documents.create(json("""
                {"defaultRoute": {"variants": [{"variant": {"modelId": "openai/gpt-5.2"}, "weight": 100}]},
                 "fallback": {"models": ["anthropic/claude-haiku-4-5"], "ttft_timeout": "0.5s", "hedge_after": "300ms", "total_timeout": 2000, "max_attempts": 3}}
                """), now, null);
        assertThat(config.getFallback().getTtftTimeoutMs()).isEqualTo(500);
        assertThat(config.getFallback().getHedgeAfterMs()).isEqualTo(300);
        assertThat(config.getFallback().getTotalTimeoutMs()).isEqualTo(2000);
        assertThat(config.getFallback().getMaxAttempts()).isEqualTo(3);
        assertThat(config.getFallback().getModels()).containsExactly("anthropic/claude-haiku-4-5");
    }

    @Test
    void namesModelsAsRequestsDoAndStoresTheirCatalogIds() throws Exception {
        RouterConfig config = documents.create(json("""
                {"routes": [{"condition": {"cel_expression": "tier == \\"pro\\""},
                             "route": {"variants": [{"variant": {"modelId": "gpt-5.2"}, "weight": 50},
                                                    {"variant": {"modelId": "claude-haiku-4-5-20991231"}, "weight": 50}]}}],
                 "defaultRoute": {"variants": [{"variant": {"modelId": "claude-sonnet-4-6"}, "weight": 100}]},
                 "fallback": {"models": ["gpt-5-mini"]}}
                """), now, null);
        assertThat(config.getRoutes().get(0).getVariants()).extracting(Variant::getModelId)
                .containsExactly("openai/gpt-5.2", "anthropic/claude-haiku-4-5");
        assertThat(config.getDefaultRoute().getVariants().get(0).getModelId()).isEqualTo("anthropic/claude-sonnet-4-6");
        assertThat(config.getFallback().getModels()).containsExactly("openai/gpt-5-mini");

        // A PATCH naming the same model another way keeps the variant (and its users' buckets).
        String variantId = config.getRoutes().get(0).getVariants().get(0).getVariantId();
        RouterConfig patched = documents.patch(config, json("""
                {"routes": [{"condition": {"cel_expression": "tier == \\"pro\\""},
                             "route": {"variants": [{"variant": {"modelId": "openai/gpt-5.2"}, "weight": 50},
                                                    {"variant": {"modelId": "anthropic/claude-haiku-4-5"}, "weight": 50}]}}]}
                """), List.of("routes"), now, null);
        assertThat(variantId(patched.getRoutes().get(0), "openai/gpt-5.2")).isEqualTo(variantId);

        assertInvalid("""
                {"defaultRoute": {"variants": [{"variant": {"modelId": "gpt-5.2-typo"}, "weight": 100}]}}
                """, "defaultRoute.variants[0].variant.model_id", "unknown model 'gpt-5.2-typo'");
        assertInvalid("""
                {"defaultRoute": {"variants": [{"variant": {"modelId": "gpt-5.2"}, "weight": 100}]}, "fallback": {"models": ["router/other"]}}
                """, "fallback.models[0]", "unknown model");
    }

    private void assertInvalid(String body, String field, String reason) {
        assertThatThrownBy(() -> documents.create(json(body), now, null))
                .isInstanceOf(RouterValidationException.class)
                .satisfies(e -> assertThat(((RouterValidationException) e).field()).isEqualTo(field))
                .hasMessageContaining(reason);
    }

    private static String variantId(Route route, String modelId) {
        return route.getVariants().stream().filter(v -> v.getModelId().equals(modelId)).findFirst().orElseThrow().getVariantId();
    }
}
