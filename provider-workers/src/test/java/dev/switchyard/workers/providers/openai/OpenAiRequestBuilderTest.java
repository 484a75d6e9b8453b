package dev.switchyard.workers.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.FallbackPolicy;
import dev.switchyard.events.ReasoningConfig;
import dev.switchyard.workers.TestRequests;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiRequestBuilderTest {
    private static final ModelCatalog CATALOG = ModelCatalog.builtIn();

    @Test
    void reasoningModelsGetMaxCompletionTokensAndLoseNonDefaultTemperature() {
        List<String> notes = new ArrayList<>();
        JsonNode body = OpenAiRequestBuilder.build(TestRequests.hello().setMaxTokens(300).setTemperature(0.2).build(),
                CATALOG.find("openai/gpt-5").orElseThrow(), notes);

        assertThat(body.get("model").asText()).isEqualTo("gpt-5");
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(300);
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.has("temperature")).isFalse();
        assertThat(notes).singleElement().asString().contains("temperature").contains("reasoning model");
    }

    @Test
    void gpt52TakesSamplingFieldsOnlyWhileItDoesNotReason() {
        // gpt-5.1 and later default to reasoning effort none, where OpenAI accepts temperature, top_p and logprobs.
        String logprobs = "{\"logprobs\":true,\"top_logprobs\":2}";
        List<String> notes = new ArrayList<>();
        JsonNode plain = OpenAiRequestBuilder.build(TestRequests.hello().setTemperature(0.2).setTopP(0.9).setExtraJson(logprobs).build(),
                CATALOG.find("openai/gpt-5.2").orElseThrow(), notes);
        assertThat(plain.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(plain.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(plain.get("logprobs").asBoolean()).isTrue();
        assertThat(plain.get("top_logprobs").asInt()).isEqualTo(2);
        assertThat(plain.has("reasoning_effort")).isFalse();
        assertThat(notes).isEmpty();

        JsonNode reasoning = OpenAiRequestBuilder.build(TestRequests.hello().setTemperature(0.2).setTopP(0.9)
                        .setExtraJson("{\"reasoning_effort\":\"low\",\"logprobs\":true,\"top_logprobs\":2}").build(),
                CATALOG.find("openai/gpt-5.2").orElseThrow(), notes);
        assertThat(reasoning.get("reasoning_effort").asText()).isEqualTo("low");
        assertThat(reasoning.has("temperature") || reasoning.has("top_p") || reasoning.has("logprobs") || reasoning.has("top_logprobs")).isFalse();
        assertThat(notes).hasSize(4).allSatisfy(note -> assertThat(note).contains("takes it only at reasoning effort none"));
    }

    @Test
    void logprobsNeverReachAModelThatAlwaysReasons() {
        List<String> notes = new ArrayList<>();
        JsonNode body = OpenAiRequestBuilder.build(TestRequests.hello().setExtraJson("{\"logprobs\":true,\"top_logprobs\":3}").build(),
                CATALOG.find("openai/o3").orElseThrow(), notes);
        assertThat(body.has("logprobs") || body.has("top_logprobs")).isFalse();
        assertThat(notes).hasSize(2).allSatisfy(note -> assertThat(note).contains("openai/o3 is a reasoning model and refuses it"));

        JsonNode other = OpenAiRequestBuilder.build(TestRequests.hello().setExtraJson("{\"logprobs\":true,\"top_logprobs\":3}").build(),
                CATALOG.find("openai/gpt-4.1").orElseThrow(), new ArrayList<>());
        assertThat(other.get("logprobs").asBoolean()).isTrue();
        assertThat(other.get("top_logprobs").asInt()).isEqualTo(3);
    }

    @Test
    void aClientsReasoningEffortBecomesTheClosestTheModelAccepts() {
        // One request shape, as a router sends it to each of its variants: OpenAI refuses an effort the model lacks.
        assertThat(effortSent("minimal", "openai/gpt-5-mini")).isEqualTo("minimal");
        assertThat(effortSent("minimal", "openai/gpt-5.2")).isEqualTo("none");
        assertThat(effortSent("minimal", "openai/o3")).isEqualTo("low");
        assertThat(effortSent("none", "openai/gpt-5")).isEqualTo("minimal");
        assertThat(effortSent("xhigh", "openai/gpt-5.1")).isEqualTo("high");
        assertThat(effortSent("xhigh", "openai/gpt-5.2")).isEqualTo("xhigh");
        assertThat(effortSent("low", "openai/gpt-5-pro")).isEqualTo("high");
        assertThat(effortSent("low", "openai/gpt-5-chat-latest")).isNull();

        List<String> notes = new ArrayList<>();
        OpenAiRequestBuilder.build(TestRequests.hello().setExtraJson("{\"reasoning_effort\":\"minimal\"}").build(),
                CATALOG.find("openai/gpt-5.2").orElseThrow(), notes);
        assertThat(notes).singleElement().asString().contains("reasoning_effort minimal sent as none")
                .contains("[none, low, medium, high, xhigh]");
    }

    @Test
    void anotherProtocolsThinkingTurnedOffIsEffortNoneWhereTheModelHasIt() {
        // Anthropic's thinking {"type": "disabled"} is effort none: gpt-5.2 has it; gpt-5 has minimal at the least.
        ReasoningConfig disabled = ReasoningConfig.newBuilder().setMode("disabled").build();
        JsonNode newer = OpenAiRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setReasoning(disabled).setTemperature(0.5).build(), CATALOG.find("openai/gpt-5.2").orElseThrow(), new ArrayList<>());
        assertThat(newer.get("reasoning_effort").asText()).isEqualTo("none");
        assertThat(newer.get("temperature").asDouble()).isEqualTo(0.5);

        JsonNode older = OpenAiRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setReasoning(disabled).setTemperature(0.5).build(), CATALOG.find("openai/gpt-5").orElseThrow(), new ArrayList<>());
        assertThat(older.get("reasoning_effort").asText()).isEqualTo("minimal");
        assertThat(older.has("temperature")).isFalse();
    }

    @Test
    void aFinalAssistantMessageIsHistoryForOpenAi() {
        JsonNode body = OpenAiRequestBuilder.build(TestRequests.chat(
                "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]").build(),
                CATALOG.find("openai/gpt-4.1").orElseThrow(), new ArrayList<>());
        assertThat(body.at("/messages/1/role").asText()).isEqualTo("assistant");
    }

    @Test
    void aVerbosityOtherThanMediumReachesOnlyTheGpt5Family() {
        // OpenAI: "Unsupported value: 'verbosity' does not support 'low' with this model. Supported values are: 'medium'."
        List<String> notes = new ArrayList<>();
        JsonNode older = OpenAiRequestBuilder.build(TestRequests.hello().setExtraJson("{\"verbosity\":\"low\"}").build(),
                CATALOG.find("openai/gpt-4o").orElseThrow(), notes);
        assertThat(older.has("verbosity")).isFalse();
        assertThat(notes).singleElement().asString().contains("verbosity low dropped");

        JsonNode gpt5 = OpenAiRequestBuilder.build(TestRequests.hello().setExtraJson("{\"verbosity\":\"low\"}").build(),
                CATALOG.find("openai/gpt-5-mini").orElseThrow(), new ArrayList<>());
        assertThat(gpt5.get("verbosity").asText()).isEqualTo("low");
        JsonNode medium = OpenAiRequestBuilder.build(TestRequests.hello().setExtraJson("{\"verbosity\":\"medium\"}").build(),
                CATALOG.find("openai/gpt-4o").orElseThrow(), new ArrayList<>());
        assertThat(medium.get("verbosity").asText()).isEqualTo("medium");
    }

    private static String effortSent(String asked, String model) {
        JsonNode body = OpenAiRequestBuilder.build(TestRequests.hello()
                        .setReasoning(ReasoningConfig.newBuilder().setEffort(asked).build())
                        .setExtraJson("{\"reasoning_effort\":\"" + asked + "\"}").build(),
                CATALOG.find(model).orElseThrow(), new ArrayList<>());
        return body.has("reasoning_effort") ? body.get("reasoning_effort").asText() : null;
    }

    @Test
    void otherModelsKeepMaxTokensAndTemperature() {
        List<String> notes = new ArrayList<>();
        JsonNode body = OpenAiRequestBuilder.build(TestRequests.hello().setMaxTokens(300).setTemperature(0.2).setTopP(0.9).build(),
                CATALOG.find("google/gemini-2.0-flash").orElseThrow(), notes);

        assertThat(body.get("max_tokens").asInt()).isEqualTo(300);
        assertThat(body.has("max_completion_tokens")).isFalse();
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(notes).isEmpty();
    }

    @Test
    void alwaysStreamsWithUsageAndMapsTheRequestFields() {
        JsonNode body = OpenAiRequestBuilder.build(TestRequests.hello()
                        .setStream(false)
                        .setToolsJson("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]")
                        .setToolChoiceJson("\"required\"")
                        .setResponseFormatJson("{\"type\":\"json_object\"}")
                        .setStop(List.of("END"))
                        .setSeed(7L)
                        .setUserId("user-42")
                        .build(),
                CATALOG.find("google/gemini-2.0-flash").orElseThrow(), new ArrayList<>());

        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Hello");
        assertThat(body.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(body.get("tool_choice").asText()).isEqualTo("required");
        assertThat(body.at("/response_format/type").asText()).isEqualTo("json_object");
        assertThat(body.at("/stop/0").asText()).isEqualTo("END");
        assertThat(body.get("seed").asLong()).isEqualTo(7L);
        assertThat(body.get("user").asText()).isEqualTo("user-42");
    }

    @Test
    void mergesTheClientsExtraFieldsButNeverMetadataOrRoutingFields() {
        JsonNode body = OpenAiRequestBuilder.build(TestRequests.hello()
                        .setMetadata(Map.of("tier", "gold"))
                        .setFallback(FallbackPolicy.newBuilder().setMaxAttempts(2).build())
                        .setExtraJson("{\"prompt_cache_key\":\"k\",\"reasoning_effort\":\"low\",\"metadata\":{\"tier\":\"gold\"},"
                                + "\"fallback\":{\"models\":[\"x/y\"]},\"model\":\"evil\",\"stream\":false}")
                        .build(),
                CATALOG.find("openai/gpt-5.2").orElseThrow(), new ArrayList<>());

        assertThat(body.get("prompt_cache_key").asText()).isEqualTo("k");
        assertThat(body.get("reasoning_effort").asText()).isEqualTo("low");
        assertThat(body.has("metadata")).isFalse();
        assertThat(body.has("fallback")).isFalse();
        assertThat(body.get("model").asText()).isEqualTo("gpt-5.2");
        assertThat(body.get("stream").asBoolean()).isTrue();
    }

    @Test
    void aClientsReasoningEffortIsDroppedForAModelThatDoesNotReason() {
        // A router splitting one request shape between gpt-5.2 and gpt-4o: OpenAI refuses reasoning_effort on gpt-4o.
        List<String> notes = new ArrayList<>();
        JsonNode body = OpenAiRequestBuilder.build(TestRequests.hello()
                        .setReasoning(ReasoningConfig.newBuilder().setEffort("low").build())
                        .setExtraJson("{\"reasoning_effort\":\"low\",\"presence_penalty\":0.5}")
                        .build(),
                CATALOG.find("openai/gpt-4o").orElseThrow(), notes);

        assertThat(body.has("reasoning_effort")).isFalse();
        assertThat(body.get("presence_penalty").asDouble()).isEqualTo(0.5);
        assertThat(notes).singleElement().asString().contains("reasoning request dropped").contains("openai/gpt-4o");
    }

    @Test
    void penaltiesLogitBiasAndStopReachOnlyModelsThatTakeThem() {
        String extra = "{\"presence_penalty\":0.5,\"frequency_penalty\":0.2,\"logit_bias\":{\"50256\":-100}}";
        List<String> stop = List.of("\nObservation:");
        List<String> notes = new ArrayList<>();
        JsonNode reasoning = OpenAiRequestBuilder.build(TestRequests.hello().setExtraJson(extra).setStop(stop).build(),
                CATALOG.find("openai/gpt-5.2").orElseThrow(), notes);
        assertThat(reasoning.has("presence_penalty")).isFalse();
        assertThat(reasoning.has("frequency_penalty")).isFalse();
        assertThat(reasoning.has("logit_bias")).isFalse();
        assertThat(reasoning.has("stop")).isFalse(); // "Unsupported parameter: 'stop' is not supported with this model."
        assertThat(notes).hasSize(4).allSatisfy(note -> assertThat(note).contains("is a reasoning model and refuses it"));

        JsonNode other = OpenAiRequestBuilder.build(TestRequests.hello().setExtraJson(extra).setStop(stop).build(),
                CATALOG.find("openai/gpt-4o").orElseThrow(), new ArrayList<>());
        assertThat(other.get("stop").get(0).asText()).isEqualTo("\nObservation:");
        List<String> fiveNotes = new ArrayList<>();
        JsonNode five = OpenAiRequestBuilder.build(TestRequests.hello().setStop(List.of("a", "b", "c", "d", "e")).build(),
                CATALOG.find("openai/gpt-4o").orElseThrow(), fiveNotes);
        assertThat(five.get("stop")).hasSize(4); // OpenAI's limit
        assertThat(fiveNotes).anySatisfy(note -> assertThat(note).contains("stop sequences beyond the first 4"));
        assertThat(other.get("presence_penalty").asDouble()).isEqualTo(0.5);
        assertThat(other.get("frequency_penalty").asDouble()).isEqualTo(0.2);
        assertThat(other.at("/logit_bias/50256").asInt()).isEqualTo(-100);
    }

    @Test
    void extraFieldsOfAnotherClientProtocolAreNotForwarded() {
        JsonNode body = OpenAiRequestBuilder.build(TestRequests.hello()
                        .setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                        .setExtraJson("{\"top_k\":5,\"thinking\":{\"type\":\"enabled\"}}")
                        .build(),
                CATALOG.find("openai/gpt-5.2").orElseThrow(), new ArrayList<>());

        assertThat(body.has("top_k")).isFalse();
        assertThat(body.has("thinking")).isFalse();
    }

    @Test
    void recognisesOpenAiReasoningModelsByNameOrCapability() {
        assertThat(OpenAiRequestBuilder.isReasoningModel(CATALOG.find("openai/gpt-5.2").orElseThrow())).isTrue();
        assertThat(OpenAiRequestBuilder.isReasoningModel(CATALOG.find("google/gemini-2.5-pro").orElseThrow())).isFalse();
        assertThat(OpenAiRequestBuilder.isReasoningModel(CATALOG.find("deepseek/deepseek-reasoner").orElseThrow())).isFalse();
        CATALOG.find("openai/o3").ifPresent(m -> assertThat(OpenAiRequestBuilder.isReasoningModel(m)).isTrue());
        CATALOG.find("openai/gpt-4o-mini").ifPresent(m -> assertThat(OpenAiRequestBuilder.isReasoningModel(m)).isFalse());
    }

    // ---- other protocols, host quirks ----

    @Test
    void anAnthropicClientsRequestIsCleanedForAStrictChatHost() {
        List<String> notes = new ArrayList<>();
        JsonNode body = OpenAiRequestBuilder.build(TestRequests.chat("""
                        [{"role": "system", "content": [{"type": "text", "text": "Rules", "cache_control": {"type": "ephemeral"}}]},
                         {"role": "user", "content": "Patch it"}]""")
                        .setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                        .setReasoning(ReasoningConfig.newBuilder().setMode("enabled").setBudgetTokens(4000).build())
                        .setToolsJson("""
                                [{"type": "function", "function": {"name": "Bash", "parameters": {"type": "object"}}, "anthropic": {"defer_loading": true}},
                                 {"type": "custom", "custom": {"name": "apply_patch"}},
                                 {"type": "bash_20250124", "name": "bash"}]""")
                        .setToolChoiceJson("{\"type\":\"function\",\"function\":{\"name\":\"bash\"}}")
                        .setExtraJson("{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":4000},\"top_k\":5,\"context_management\":{}}")
                        .setStop(List.of("a", "b", "c", "d", "e"))
                        .build(),
                CATALOG.find("openai/gpt-5.2").orElseThrow(), notes);

        assertThat(body.toString()).doesNotContain("cache_control").doesNotContain("defer_loading").doesNotContain("top_k");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Rules");
        assertThat(body.get("tools")).hasSize(2);
        assertThat(body.at("/tools/1/function/name").asText()).isEqualTo("apply_patch");
        assertThat(body.at("/tools/1/function/parameters/properties/input/type").asText()).isEqualTo("string");
        assertThat(body.has("tool_choice")).isFalse(); // it named the dropped built-in tool
        assertThat(body.get("reasoning_effort").asText()).isEqualTo("low");
        assertThat(body.has("stop")).isFalse(); // gpt-5.2 reasons: it refuses stop
        assertThat(String.join("\n", notes)).contains("bash_20250124").contains("top_k, context_management").contains("stop dropped")
                .contains("reasoning_effort=low").contains("custom tool 'apply_patch'");
    }

    @Test
    void mistralGetsItsOwnParameterNames() {
        List<String> notes = new ArrayList<>();
        JsonNode body = OpenAiRequestBuilder.build(TestRequests.hello().setSeed(9L).setMaxTokens(50)
                        .setExtraJson("{\"store\":false,\"prompt_cache_key\":\"k\"}").build(),
                CATALOG.find("mistral/mistral-large-latest").orElseThrow(), notes);

        assertThat(body.get("random_seed").asLong()).isEqualTo(9L);
        assertThat(body.has("seed")).isFalse();
        assertThat(body.has("stream_options")).isFalse();
        assertThat(body.has("store")).isFalse();
        assertThat(body.has("prompt_cache_key")).isFalse();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(50);
        assertThat(String.join("\n", notes)).contains("store dropped").contains("prompt_cache_key dropped");
    }

    @Test
    void aResponsesClientsSharedFieldsAndVerbosityCarryOver() {
        List<String> notes = new ArrayList<>();
        JsonNode body = OpenAiRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.OPENAI_RESPONSES)
                        .setUserId("{\"device_id\":\"" + "x".repeat(80) + "\"}")
                        .setExtraJson("{\"prompt_cache_key\":\"k\",\"text\":{\"verbosity\":\"low\"},\"include\":[\"reasoning.encrypted_content\"],\"truncation\":\"auto\"}")
                        .build(),
                CATALOG.find("openai/gpt-5.2").orElseThrow(), notes);

        assertThat(body.get("prompt_cache_key").asText()).isEqualTo("k");
        assertThat(body.get("verbosity").asText()).isEqualTo("low");
        assertThat(body.get("user").asText()).hasSize(64);
        assertThat(String.join("\n", notes)).contains("truncation").doesNotContain("include");
    }
}
