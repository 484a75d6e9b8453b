package dev.switchyard.workers.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.ReasoningConfig;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.TestRequests;
import dev.switchyard.workers.providers.CallSpec;
import dev.switchyard.workers.providers.ProviderProtocol;
import dev.switchyard.workers.providers.ProviderSettings;
import dev.switchyard.workers.providers.translate.UnsupportedRequestException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnthropicRequestBuilderTest {
    private static final ModelCatalog CATALOG = ModelCatalog.builtIn();
    private static final CatalogModel HAIKU = CATALOG.find("anthropic/claude-haiku-4-5").orElseThrow();

    private static final String CONVERSATION = """
            [
              {"role": "system", "content": "You are terse."},
              {"role": "developer", "content": [{"type": "text", "text": "Answer in French."}]},
              {"role": "user", "content": "What's the weather in Paris and the time?"},
              {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}},
                {"id": "call_2", "type": "function", "function": {"name": "get_time", "arguments": ""}}
              ]},
              {"role": "tool", "tool_call_id": "call_1", "content": "18°C, cloudy"},
              {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "14:05"}]},
              {"role": "user", "content": [
                {"type": "text", "text": "And this picture?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}
              ]},
              {"role": "assistant", "content": "Il fait 18°C."},
              {"role": "assistant", "content": [{"type": "text", "text": "Il est 14h05."}]}
            ]""";

    @Test
    void systemMessagesBecomeTheTopLevelSystem() {
        JsonNode body = build(TestRequests.chat(CONVERSATION).build(), new ArrayList<>());

        assertThat(body.get("system").asText()).isEqualTo("You are terse.\n\nAnswer in French.");
        assertThat(body.get("messages")).allSatisfy(m -> assertThat(m.get("role").asText()).isIn("user", "assistant"));
    }

    @Test
    void toolCallsAndResultsRoundTripAndSameRoleTurnsAreMerged() {
        JsonNode messages = build(TestRequests.chat(CONVERSATION).build(), new ArrayList<>()).get("messages");

        assertThat(messages).hasSize(4); // user, assistant(tool_use), user(tool_results + text + images), assistant(merged)
        JsonNode toolUse = messages.get(1).get("content");
        assertThat(toolUse.get(0).get("type").asText()).isEqualTo("tool_use");
        assertThat(toolUse.get(0).get("id").asText()).isEqualTo("call_1");
        assertThat(toolUse.get(0).get("name").asText()).isEqualTo("get_weather");
        assertThat(toolUse.get(0).at("/input/city").asText()).isEqualTo("Paris");
        assertThat(toolUse.get(1).get("input").isObject()).isTrue();
        assertThat(toolUse.get(1).get("input")).isEmpty();

        JsonNode results = messages.get(2).get("content");
        assertThat(messages.get(2).get("role").asText()).isEqualTo("user");
        assertThat(results.get(0).get("type").asText()).isEqualTo("tool_result");
        assertThat(results.get(0).get("tool_use_id").asText()).isEqualTo("call_1");
        assertThat(results.get(0).get("content").asText()).isEqualTo("18°C, cloudy");
        assertThat(results.get(1).get("tool_use_id").asText()).isEqualTo("call_2");
        assertThat(results.get(1).at("/content/0/text").asText()).isEqualTo("14:05");
        assertThat(results.get(2).get("text").asText()).isEqualTo("And this picture?");
        assertThat(results.get(3).at("/source/type").asText()).isEqualTo("base64");
        assertThat(results.get(3).at("/source/media_type").asText()).isEqualTo("image/png");
        assertThat(results.get(3).at("/source/data").asText()).isEqualTo("iVBORw0KGgo=");
        assertThat(results.get(4).at("/source/type").asText()).isEqualTo("url");

        JsonNode merged = messages.get(3).get("content");
        assertThat(merged).hasSize(2);
        assertThat(merged.get(0).get("text").asText()).isEqualTo("Il fait 18°C.");
        assertThat(merged.get(1).get("text").asText()).isEqualTo("Il est 14h05.");
    }

    @Test
    void mapsToolsToolChoiceStopAndMaxTokens() {
        JsonNode body = build(TestRequests.hello()
                .setToolsJson("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\","
                        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}},"
                        + "{\"type\":\"function\",\"function\":{\"name\":\"now\"}}]")
                .setToolChoiceJson("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}")
                .setStop(List.of("END"))
                .build(), new ArrayList<>());

        assertThat(body.at("/tools/0/name").asText()).isEqualTo("get_weather");
        assertThat(body.at("/tools/0/description").asText()).isEqualTo("Weather");
        assertThat(body.at("/tools/0/input_schema/properties/city/type").asText()).isEqualTo("string");
        assertThat(body.at("/tools/1/input_schema/type").asText()).isEqualTo("object");
        assertThat(body.at("/tool_choice/type").asText()).isEqualTo("tool");
        assertThat(body.at("/tool_choice/name").asText()).isEqualTo("get_weather");
        assertThat(body.at("/stop_sequences/0").asText()).isEqualTo("END");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(8192); // min(catalog max output 64000, 8192)
        assertThat(body.get("stream").asBoolean()).isTrue();

        assertThat(AnthropicRequestBuilder.translateToolChoice(Json.parse("\"required\"", "t")).get("type").asText()).isEqualTo("any");
        assertThat(AnthropicRequestBuilder.translateToolChoice(Json.parse("\"none\"", "t")).get("type").asText()).isEqualTo("none");
        assertThat(AnthropicRequestBuilder.translateToolChoice(Json.parse("\"auto\"", "t")).get("type").asText()).isEqualTo("auto");
    }

    @Test
    void claude45AndLaterGetOnlyTemperatureWhenBothAreGiven() {
        List<String> notes = new ArrayList<>();
        JsonNode body = build(TestRequests.hello().setTemperature(0.5).setTopP(0.9).setMaxTokens(100).build(), notes);

        assertThat(body.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(body.has("top_p")).isFalse();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(100);
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("top_p"));

        assertThat(ClaudeGeneration.of("claude-sonnet-4-5-20250929").oneSamplingParameter()).isTrue();
        assertThat(ClaudeGeneration.of("claude-opus-4-1").oneSamplingParameter()).isFalse();
        assertThat(ClaudeGeneration.of("claude-4-opus-20250514").oneSamplingParameter()).isFalse();
        assertThat(ClaudeGeneration.of("claude-3-7-sonnet-20250219").oneSamplingParameter()).isFalse();
        assertThat(ClaudeGeneration.of("claude-fable-5").oneSamplingParameter()).isTrue();
    }

    @Test
    void onlyTheUserIdGoesIntoMetadataAndRoutingFieldsNeverLeak() {
        JsonNode body = build(TestRequests.hello()
                .setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setUserId("user-7")
                .setMetadata(Map.of("tier", "gold"))
                .setExtraJson("{\"metadata\":{\"user_id\":\"user-7\",\"tier\":\"gold\"},\"fallback\":{\"max_attempts\":2},\"top_k\":40}")
                .build(), new ArrayList<>());

        assertThat(body.get("metadata")).hasSize(1);
        assertThat(body.at("/metadata/user_id").asText()).isEqualTo("user-7");
        assertThat(body.has("fallback")).isFalse();
        assertThat(body.get("top_k").asInt()).isEqualTo(40); // same-protocol extra field passes through
    }

    @Test
    void sendsTheVersionAndBetaHeadersTheClientAskedFor() {
        ProviderSettings settings = new ProviderSettings("anthropic", ProviderProtocol.ANTHROPIC_MESSAGES, "http://x", "sk-ant-secret", "test");
        Map<String, String> defaults = AnthropicMessagesAdapter.headers(new CallSpec(TestRequests.hello().build(), HAIKU, settings, new ArrayList<>()));
        assertThat(defaults).containsEntry("anthropic-version", "2023-06-01").containsEntry("x-api-key", "sk-ant-secret")
                .doesNotContainKey("anthropic-beta");

        Map<String, String> custom = AnthropicMessagesAdapter.headers(new CallSpec(TestRequests.hello()
                .setProviderHeaders(Map.of("Anthropic-Version", "2023-01-01", "anthropic-beta", "prompt-caching-2024-07-31"))
                .build(), HAIKU, settings, new ArrayList<>()));
        assertThat(custom).containsEntry("anthropic-version", "2023-01-01").containsEntry("anthropic-beta", "prompt-caching-2024-07-31");
    }

    private static JsonNode build(dev.switchyard.events.ChatRequest request, List<String> notes) {
        return AnthropicRequestBuilder.build(request, HAIKU, notes);
    }

    // ---- the internal format's extensions and other protocols' requests ----

    private static final CatalogModel SONNET = CATALOG.find("anthropic/claude-sonnet-4-5").orElseThrow();

    @Test
    void cacheControlThinkingBlocksAndToolResultsSurviveTheRoundTrip() {
        List<String> notes = new ArrayList<>();
        JsonNode body = AnthropicRequestBuilder.build(TestRequests.chat("""
                [
                  {"role": "system", "content": [{"type": "text", "text": "Cached rules", "cache_control": {"type": "ephemeral"}}]},
                  {"role": "user", "content": [{"type": "text", "text": "Read it", "cache_control": {"type": "ephemeral"}},
                                               {"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBE", "filename": "spec.pdf"}}]},
                  {"role": "assistant", "content": null,
                   "thinking_blocks": [{"type": "thinking", "thinking": "plan", "signature": "sig-1"},
                                       {"type": "thinking", "thinking": "unsigned", "signature": ""},
                                       {"type": "reasoning", "encrypted_content": "gAAA"}],
                   "tool_calls": [{"id": "toolu_1", "type": "function", "function": {"name": "read", "arguments": "{\\"p\\":1}"}}]},
                  {"role": "tool", "tool_call_id": "toolu_1", "is_error": true,
                   "content": [{"type": "text", "text": "denied"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAA"}}]}
                ]""").setProtocol(ClientProtocol.ANTHROPIC_MESSAGES).build(), SONNET, notes);

        assertThat(body.at("/system/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(body.at("/messages/0/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(body.at("/messages/0/content/1/type").asText()).isEqualTo("document");
        assertThat(body.at("/messages/0/content/1/title").asText()).isEqualTo("spec.pdf");
        JsonNode assistant = body.at("/messages/1/content");
        assertThat(assistant).hasSize(2); // the signed thinking block and the tool_use; unsigned and OpenAI reasoning are dropped
        assertThat(assistant.at("/0/signature").asText()).isEqualTo("sig-1");
        assertThat(assistant.at("/1/type").asText()).isEqualTo("tool_use");
        JsonNode result = body.at("/messages/2/content/0");
        assertThat(result.get("is_error").asBoolean()).isTrue();
        assertThat(result.at("/content/1/type").asText()).isEqualTo("image");
    }

    @Test
    void anOpenAiClientsReasoningEffortBecomesAThinkingBudgetBelowMaxTokens() {
        List<String> notes = new ArrayList<>();
        JsonNode body = AnthropicRequestBuilder.build(TestRequests.hello()
                .setReasoning(ReasoningConfig.newBuilder().setEffort("high").build()).setMaxTokens(10000).setTemperature(0.3)
                .setExtraJson("{\"reasoning_effort\":\"high\",\"logprobs\":true}").build(), SONNET, notes);

        assertThat(body.at("/thinking/type").asText()).isEqualTo("enabled");
        assertThat(body.at("/thinking/budget_tokens").asInt()).isEqualTo(5000); // high is 16384, kept below max_tokens
        assertThat(body.has("temperature")).isFalse(); // thinking runs at the default temperature
        assertThat(body.has("logprobs")).isFalse();
        assertThat(String.join("\n", notes)).contains("budget_tokens=5000").contains("temperature").contains("logprobs")
                .doesNotContain("reasoning_effort");
    }

    @Test
    void anotherProtocolsReasoningIsAdaptiveThinkingAtTheClosestEffortFromClaude46() {
        List<String> notes = new ArrayList<>();
        JsonNode sonnet46 = AnthropicRequestBuilder.build(TestRequests.hello()
                .setReasoning(ReasoningConfig.newBuilder().setEffort("xhigh").build()).setMaxTokens(10000).build(),
                CATALOG.find("anthropic/claude-sonnet-4-6").orElseThrow(), notes);
        assertThat(sonnet46.at("/thinking/type").asText()).isEqualTo("adaptive");
        assertThat(sonnet46.at("/thinking/budget_tokens").isMissingNode()).isTrue();
        assertThat(sonnet46.at("/output_config/effort").asText()).isEqualTo("high"); // 4.6 has max, not xhigh: a tie goes down
        assertThat(notes).singleElement().asString().contains("adaptive thinking at effort high");

        JsonNode opus47 = AnthropicRequestBuilder.build(TestRequests.hello()
                .setReasoning(ReasoningConfig.newBuilder().setEffort("minimal").build()).build(),
                CATALOG.find("anthropic/claude-opus-4-7").orElseThrow(), new ArrayList<>());
        assertThat(opus47.at("/thinking/type").asText()).isEqualTo("adaptive");
        assertThat(opus47.at("/output_config/effort").asText()).isEqualTo("low");
    }

    @Test
    void anAnthropicClientsThinkingTakesTheFormTheModelTakes() {
        // Claude Code's request, as a router sends it to claude-sonnet-4-5 (budget only), claude-opus-4-7 (adaptive only).
        String budget = "{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":4000},\"top_k\":5}";
        List<String> notes = new ArrayList<>();
        JsonNode opus47 = AnthropicRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setMaxTokens(8000).setTemperature(1.0).setExtraJson(budget).build(),
                CATALOG.find("anthropic/claude-opus-4-7").orElseThrow(), notes);
        assertThat(opus47.at("/thinking/type").asText()).isEqualTo("adaptive");
        assertThat(opus47.at("/thinking/budget_tokens").isMissingNode()).isTrue();
        assertThat(opus47.at("/output_config/effort").asText()).isEqualTo("low"); // 4,000 tokens is a low effort
        assertThat(opus47.has("temperature") || opus47.has("top_k")).isFalse(); // 4.7 takes no sampling fields
        assertThat(String.join("\n", notes)).contains("budget_tokens=4000 sent as adaptive thinking at effort low")
                .contains("temperature dropped").contains("top_k dropped");

        List<String> adaptiveNotes = new ArrayList<>();
        JsonNode sonnet45 = AnthropicRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setMaxTokens(10000).setExtraJson("{\"thinking\":{\"type\":\"adaptive\"},\"output_config\":{\"effort\":\"medium\"}}").build(),
                SONNET, adaptiveNotes);
        assertThat(sonnet45.at("/thinking/type").asText()).isEqualTo("enabled");
        assertThat(sonnet45.at("/thinking/budget_tokens").asInt()).isEqualTo(8192);
        assertThat(sonnet45.has("output_config")).isFalse(); // 4.5 Sonnet takes no effort
        assertThat(String.join("\n", adaptiveNotes)).contains("adaptive thinking sent as budget_tokens=8192")
                .contains("output_config.effort medium dropped");

        JsonNode disabled = AnthropicRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setExtraJson("{\"thinking\":{\"type\":\"disabled\"}}").build(),
                CATALOG.find("anthropic/claude-opus-4-7").orElseThrow(), new ArrayList<>());
        assertThat(disabled.has("thinking")).isFalse();
        JsonNode kept = AnthropicRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setExtraJson("{\"thinking\":{\"type\":\"disabled\"}}").build(), SONNET, new ArrayList<>());
        assertThat(kept.at("/thinking/type").asText()).isEqualTo("disabled");
    }

    @Test
    void anEffortLevelIsTheClosestTheModelTakes() {
        List<String> notes = new ArrayList<>();
        JsonNode opus45 = AnthropicRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setExtraJson("{\"output_config\":{\"effort\":\"max\"}}").build(),
                CATALOG.find("anthropic/claude-opus-4-5").orElseThrow(), notes);
        assertThat(opus45.at("/output_config/effort").asText()).isEqualTo("high");
        assertThat(notes).singleElement().asString().contains("output_config.effort max sent as high");

        JsonNode opus47 = AnthropicRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setExtraJson("{\"output_config\":{\"effort\":\"xhigh\"}}").build(),
                CATALOG.find("anthropic/claude-opus-4-7").orElseThrow(), new ArrayList<>());
        assertThat(opus47.at("/output_config/effort").asText()).isEqualTo("xhigh");
    }

    @Test
    void thinkingIsLeftOffWhereAnthropicWouldRefuseIt() {
        List<String> forced = new ArrayList<>();
        JsonNode body = AnthropicRequestBuilder.build(TestRequests.hello()
                .setReasoning(ReasoningConfig.newBuilder().setEffort("low").build())
                .setToolsJson("[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]").setToolChoiceJson("\"required\"")
                .build(), SONNET, forced);
        assertThat(body.has("thinking")).isFalse();
        assertThat(String.join("\n", forced)).contains("tool choice is forced");

        List<String> history = new ArrayList<>();
        body = AnthropicRequestBuilder.build(TestRequests.chat("""
                [{"role": "user", "content": "go"},
                 {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                 {"role": "tool", "tool_call_id": "c1", "content": "ok"}]""")
                .setReasoning(ReasoningConfig.newBuilder().setEffort("low").build()).build(), SONNET, history);
        assertThat(body.has("thinking")).isFalse();
        assertThat(String.join("\n", history)).contains("no thinking block to continue");
    }

    @Test
    void anAnthropicClientsThinkingIsDroppedForAModelWithoutExtendedThinking() {
        // A router splitting Claude Code between claude-sonnet-4-5 and claude-3-haiku: Anthropic refuses thinking on the latter.
        List<String> notes = new ArrayList<>();
        JsonNode body = AnthropicRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setMaxTokens(8000).setExtraJson("{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":4000},\"top_k\":5}")
                .build(), CATALOG.find("anthropic/claude-3-haiku-20240307").orElseThrow(), notes);
        assertThat(body.has("thinking")).isFalse();
        assertThat(body.get("top_k").asInt()).isEqualTo(5);
        assertThat(notes).singleElement().asString().contains("thinking dropped").contains("claude-3-haiku");

        JsonNode kept = AnthropicRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setMaxTokens(8000).setExtraJson("{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":4000}}")
                .build(), SONNET, new ArrayList<>());
        assertThat(kept.at("/thinking/budget_tokens").asInt()).isEqualTo(4000);
    }

    @Test
    void responseFormatsBecomeStructuredOutputOrAClearRefusal() {
        JsonNode body = AnthropicRequestBuilder.build(TestRequests.hello()
                .setResponseFormatJson("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a\",\"schema\":{\"type\":\"object\"}}}")
                .build(), SONNET, new ArrayList<>());
        assertThat(body.at("/output_config/format/type").asText()).isEqualTo("json_schema");
        assertThat(body.at("/output_config/format/schema/type").asText()).isEqualTo("object");

        assertThatThrownBy(() -> AnthropicRequestBuilder.build(TestRequests.hello().setResponseFormatJson("{\"type\":\"json_object\"}").build(),
                SONNET, new ArrayList<>())).isInstanceOf(UnsupportedRequestException.class).hasMessageContaining("json_object");
    }

    @Test
    void toolsOfOtherProtocolsAreDroppedWithANoteAndCustomToolsTakeOneInputString() {
        List<String> notes = new ArrayList<>();
        JsonNode body = AnthropicRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.OPENAI_RESPONSES)
                .setToolsJson("""
                        [{"type": "function", "function": {"name": "shell", "parameters": {"type": "object"}}},
                         {"type": "custom", "custom": {"name": "apply_patch", "description": "Patch files"}},
                         {"type": "web_search"}, {"type": "namespace", "name": "mcp__gh", "tools": []}]""")
                .build(), SONNET, notes);

        assertThat(body.get("tools")).hasSize(2);
        assertThat(body.at("/tools/1/input_schema/required/0").asText()).isEqualTo("input");
        assertThat(String.join("\n", notes)).contains("'web_search' (type web_search) dropped").contains("'mcp__gh' (type namespace) dropped");
    }

    @Test
    void anAnthropicClientsOwnToolsFieldsAndBlocksPassVerbatim() {
        JsonNode body = AnthropicRequestBuilder.build(TestRequests.chat("""
                [{"role": "user", "content": [{"type": "search_result", "source": "s", "title": "t", "content": []}]}]""")
                .setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setToolsJson("""
                        [{"type": "function", "function": {"name": "Bash", "parameters": {"type": "object"}},
                          "cache_control": {"type": "ephemeral"}, "anthropic": {"defer_loading": true}},
                         {"type": "web_search_20250305", "name": "web_search", "max_uses": 3}]""")
                .setExtraJson("{\"thinking\":{\"type\":\"adaptive\"},\"context_management\":{\"edits\":[]},\"output_config\":{\"effort\":\"high\"}}")
                .build(), CATALOG.find("anthropic/claude-sonnet-4-6").orElseThrow(), new ArrayList<>());

        assertThat(body.at("/tools/0/defer_loading").asBoolean()).isTrue();
        assertThat(body.at("/tools/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(body.at("/tools/1/max_uses").asInt()).isEqualTo(3);
        assertThat(body.at("/messages/0/content/0/type").asText()).isEqualTo("search_result");
        assertThat(body.at("/thinking/type").asText()).isEqualTo("adaptive");
        assertThat(body.has("context_management")).isTrue();
        assertThat(body.at("/output_config/effort").asText()).isEqualTo("high");
    }

    @Test
    void aPrefillReachesOnlyClaudeModelsThatContinueOne() {
        // Claude 4.6 removed prefill: Anthropic answers 400, so the worker refuses it there (the next candidate may take it).
        String prefill = "[{\"role\":\"user\",\"content\":\"Say hi as JSON\"},{\"role\":\"assistant\",\"content\":\"{\"}]";
        assertThatThrownBy(() -> AnthropicRequestBuilder.build(TestRequests.chat(prefill).build(),
                CATALOG.find("anthropic/claude-sonnet-4-6").orElseThrow(), new ArrayList<>()))
                .isInstanceOf(UnsupportedRequestException.class).hasMessageContaining("prefilled assistant message");
        JsonNode body = AnthropicRequestBuilder.build(TestRequests.chat(prefill).build(), SONNET, new ArrayList<>());
        assertThat(body.at("/messages/1/role").asText()).isEqualTo("assistant");
    }

    @Test
    void imagesToAModelWithoutVisionAreAClearRefusal() {
        CatalogModel textOnly = new CatalogModel("acme/text", "acme", "text", dev.switchyard.core.catalog.ApiKind.ANTHROPIC_MESSAGES,
                null, null, java.util.Set.of("tools"), null, List.of());
        assertThatThrownBy(() -> AnthropicRequestBuilder.build(TestRequests.chat(
                "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/a.png\"}}]}]").build(),
                textOnly, new ArrayList<>())).isInstanceOf(UnsupportedRequestException.class).hasMessageContaining("images");
    }
}
