package dev.switchyard.workers.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.FallbackPolicy;
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
                CATALOG.find("openai/gpt-5.2").orElseThrow(), notes);

        assertThat(body.get("model").asText()).isEqualTo("gpt-5.2");
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(300);
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.has("temperature")).isFalse();
        assertThat(notes).singleElement().asString().contains("temperature").contains("reasoning model");
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
                        .setExtraJson("{\"presence_penalty\":0.5,\"reasoning_effort\":\"low\",\"metadata\":{\"tier\":\"gold\"},"
                                + "\"fallback\":{\"models\":[\"x/y\"]},\"model\":\"evil\",\"stream\":false}")
                        .build(),
                CATALOG.find("openai/gpt-5.2").orElseThrow(), new ArrayList<>());

        assertThat(body.get("presence_penalty").asDouble()).isEqualTo(0.5);
        assertThat(body.get("reasoning_effort").asText()).isEqualTo("low");
        assertThat(body.has("metadata")).isFalse();
        assertThat(body.has("fallback")).isFalse();
        assertThat(body.get("model").asText()).isEqualTo("gpt-5.2");
        assertThat(body.get("stream").asBoolean()).isTrue();
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
}
