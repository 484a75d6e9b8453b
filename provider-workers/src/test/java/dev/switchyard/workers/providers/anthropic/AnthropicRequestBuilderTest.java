package dev.switchyard.workers.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.TestRequests;
import dev.switchyard.workers.providers.CallSpec;
import dev.switchyard.workers.providers.ProviderProtocol;
import dev.switchyard.workers.providers.ProviderSettings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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

        assertThat(AnthropicRequestBuilder.onlyOneSamplingParameter("claude-sonnet-4-5-20250929")).isTrue();
        assertThat(AnthropicRequestBuilder.onlyOneSamplingParameter("claude-opus-4-1")).isFalse();
        assertThat(AnthropicRequestBuilder.onlyOneSamplingParameter("claude-4-opus-20250514")).isFalse();
        assertThat(AnthropicRequestBuilder.onlyOneSamplingParameter("claude-3-7-sonnet-20250219")).isFalse();
        assertThat(AnthropicRequestBuilder.onlyOneSamplingParameter("claude-fable-5")).isTrue();
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
}
