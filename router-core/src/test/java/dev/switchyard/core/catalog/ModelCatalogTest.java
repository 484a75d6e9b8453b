package dev.switchyard.core.catalog;

import dev.switchyard.events.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ModelCatalogTest {
    private final ModelCatalog catalog = ModelCatalog.builtIn();

    @Test
    void holdsEveryChatAndResponsesModelOfThePriceList() throws Exception {
        JsonNode priceList = new ObjectMapper().readTree(ModelCatalog.class.getResourceAsStream("/catalog/models.json")).get("models");
        assertThat(priceList).hasSize(189);
        priceList.forEach(entry -> assertThat(catalog.find(entry.get("id").asText())).isPresent());
        CatalogModel gpt = catalog.find("openai/gpt-5.2").orElseThrow();
        assertThat(gpt.upstream()).isEqualTo("gpt-5.2");
        assertThat(gpt.api()).isEqualTo(ApiKind.OPENAI_CHAT);
        assertThat(gpt.supports("reasoning")).isTrue();
        assertThat(catalog.find("openai/gpt-5.2-codex").orElseThrow().api()).isEqualTo(ApiKind.OPENAI_RESPONSES);
        assertThat(catalog.find("anthropic/claude-haiku-4-5").orElseThrow().api()).isEqualTo(ApiKind.ANTHROPIC_MESSAGES);
    }

    @Test
    void resolvesBareNamesAndDatedIds() {
        assertThat(catalog.find("gpt-5.2").orElseThrow().id()).isEqualTo("openai/gpt-5.2");
        assertThat(catalog.find("claude-sonnet-4-5-20250929").orElseThrow().id()).isEqualTo("anthropic/claude-sonnet-4-5-20250929");
        assertThat(catalog.find("acme/nothing")).isEmpty();
    }

    @Test
    void pricesUsageWithCacheRatesAndNoMarkup() {
        Price price = catalog.find("anthropic/claude-sonnet-4-5").orElseThrow().price();
        Usage usage = Usage.newBuilder().setInputTokens(1000).setOutputTokens(500).setCacheReadTokens(2000).setCacheWriteTokens(100).build();
        // 1000 * 3e-6 + 500 * 15e-6 + 2000 * 0.3e-6 + 100 * 3.75e-6
        assertThat(price.cost(usage)).isCloseTo(0.003 + 0.0075 + 0.0006 + 0.000375, within(1e-12));
    }

    @Test
    void operatorFilesAddSelfHostedModelsAndOverridePrices(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("extra.json");
        Files.writeString(file, """
                {"models": [
                  {"id": "vllm/llama-3.3-70b", "upstream": "meta-llama/Llama-3.3-70B-Instruct", "context_window": 131072, "aliases": ["llama-70b"]},
                  {"id": "openai/gpt-5.2", "api": "openai-chat", "price": {"input": 1e-6, "output": 2e-6}}
                ]}
                """);
        ModelCatalog extended = ModelCatalog.load(List.of(file));
        CatalogModel llama = extended.find("llama-70b").orElseThrow();
        assertThat(llama.id()).isEqualTo("vllm/llama-3.3-70b");
        assertThat(llama.provider()).isEqualTo("vllm");
        assertThat(llama.upstream()).isEqualTo("meta-llama/Llama-3.3-70B-Instruct");
        assertThat(llama.price()).isNull(); // unknown, never invented
        assertThat(extended.find("openai/gpt-5.2").orElseThrow().price().input()).isEqualTo(1e-6);
    }

    @Test
    void listsThePresetsWellKnownModelsWithAnUnknownPrice() {
        for (String id : List.of("groq/llama-3.3-70b-versatile", "mistral/mistral-large-latest", "together/openai/gpt-oss-120b",
                "fireworks/accounts/fireworks/models/llama-v3p3-70b-instruct", "openrouter/openrouter/auto", "ollama/llama3.3",
                "cerebras/llama-3.3-70b", "perplexity/sonar")) {
            CatalogModel model = catalog.find(id).orElseThrow(() -> new AssertionError(id + " missing"));
            assertThat(model.price()).as(id).isNull();
            assertThat(model.api()).isEqualTo(ApiKind.OPENAI_CHAT);
        }
        assertThat(catalog.find("together/openai/gpt-oss-120b").orElseThrow().upstream()).isEqualTo("openai/gpt-oss-120b");
        assertThat(catalog.find("mistral-large-latest").orElseThrow().id()).isEqualTo("mistral/mistral-large-latest");
        // A preset never shadows a priced entry of the price list.
        assertThat(catalog.find("deepseek/deepseek-chat").orElseThrow().price()).isNotNull();
    }

    @Test
    void resolvesNamesAsCodingToolsSendThem() {
        assertThat(catalog.resolve("claude-sonnet-4-5").orElseThrow().model()).isEqualTo("anthropic/claude-sonnet-4-5");
        assertThat(catalog.resolve("claude-sonnet-4-5-20250929").orElseThrow().model()).isEqualTo("anthropic/claude-sonnet-4-5-20250929");
        // a dated id the catalog doesn't list resolves to the undated model
        assertThat(catalog.resolve("claude-haiku-4-5-20991231").orElseThrow().model()).isEqualTo("anthropic/claude-haiku-4-5");
        assertThat(catalog.resolve("claude-sonnet-4-5-latest").orElseThrow().model()).isEqualTo("anthropic/claude-sonnet-4-5");
        assertThat(catalog.resolve("gpt-5.2").orElseThrow().catalogModel().upstream()).isEqualTo("gpt-5.2");
        ResolvedName router = catalog.resolve("router/coding").orElseThrow();
        assertThat(router.isRouter()).isTrue();
        assertThat(router.model()).isEqualTo("router/coding");
        assertThat(catalog.resolve("claude-3-5-haiku-20241022")).isEmpty();
    }

    @Test
    void operatorAliasesSendNamesToModelsOrRoutersAndUnknownNamesToADefault(@TempDir Path dir) throws Exception {
        ModelCatalog aliased = withAliases(dir, """
                {"fast": "claude-haiku-4-5", "gpt-5.2": "router/coding", "*": "router/default"}""");
        assertThat(aliased.resolve("fast").orElseThrow().model()).isEqualTo("anthropic/claude-haiku-4-5");
        assertThat(aliased.resolve("gpt-5.2").orElseThrow().model()).isEqualTo("router/coding"); // the operator's alias wins
        assertThat(aliased.resolve("claude-3-5-haiku-20241022").orElseThrow().model()).isEqualTo("router/default");
        assertThat(aliased.resolve("claude-sonnet-4-5").orElseThrow().model()).isEqualTo("anthropic/claude-sonnet-4-5");
        assertThat(aliased.all()).hasSize(catalog.all().size());
    }

    @Test
    void aConfiguredNameResolvesLikeARequestsModelButNeverThroughTheCatchAll(@TempDir Path dir) throws Exception {
        ModelCatalog aliased = withAliases(dir, """
                {"fast": "claude-haiku-4-5", "coding": "router/coding", "*": "openai/gpt-5-mini"}""");
        assertThat(aliased.findConfigured("fast").orElseThrow().id()).isEqualTo("anthropic/claude-haiku-4-5");
        assertThat(aliased.findConfigured("gpt-5.2").orElseThrow().id()).isEqualTo("openai/gpt-5.2");
        assertThat(aliased.findConfigured("claude-haiku-4-5-20991231").orElseThrow().id()).isEqualTo("anthropic/claude-haiku-4-5");
        // a request's unknown model goes to the operator's default; a router's typo must not
        assertThat(aliased.resolve("gpt-5.2-typo").orElseThrow().model()).isEqualTo("openai/gpt-5-mini");
        assertThat(aliased.findConfigured("gpt-5.2-typo")).isEmpty();
        assertThat(aliased.findConfigured("coding")).isEmpty();
        assertThat(aliased.findConfigured("router/coding")).isEmpty();
    }

    /** The built-in catalog plus an operator file holding only {@code aliases}. */
    private static ModelCatalog withAliases(Path dir, String aliases) throws Exception {
        Path file = dir.resolve("aliases.json");
        Files.writeString(file, "{\"aliases\": " + aliases + "}");
        return ModelCatalog.load(List.of(file));
    }
}
