package dev.switchyard.launcher.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ToolChoiceOptions;
import dev.switchyard.events.Completion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official OpenAI Java SDK (response validation on), unchanged apart from base URL and key, against the whole
 * pipeline: chat completions and the Responses API, plain, streaming, a tool call round trip and JSON mode, served by
 * OpenAI models and by Anthropic models, with usage and finish reasons mapped; and refusals in OpenAI's error shape.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenAiSdkCompatIT {
    private static CompatStack stack;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        stack = CompatStack.get();
        client = OpenAIOkHttpClient.builder().baseUrl(stack.baseUrl + "/v1").apiKey("sk-test-not-a-real-key")
                .responseValidation(true).maxRetries(0).build();
    }

    @BeforeEach
    void resetMock() {
        stack.mock.reset();
        stack.mock.clearRequests();
    }

    // ---- chat completions, OpenAI models ----

    @Test
    void plainChatWithAnUnknownFieldPassedThrough() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4.1").addUserMessage("Hello there").maxCompletionTokens(200)
                .putAdditionalBodyProperty("prompt_cache_key", JsonValue.from("cache-7"))
                .build());

        assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("Hello from gpt-4.1."));
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage().orElseThrow().completionTokens()).isPositive();
        JsonNode upstream = stack.upstream("gpt-4.1", 1).get(0).body();
        assertThat(upstream.get("prompt_cache_key").asText()).isEqualTo("cache-7");
        assertThat(upstream.get("max_tokens").asInt()).isEqualTo(200);
    }

    @Test
    void oneRequestShapeIsAnsweredByAReasoningAndANonReasoningModel() {
        // What a router splitting users between gpt-5.2 and gpt-4.1 sends to both: each model gets what it accepts
        // (the mock refuses, as OpenAI does, reasoning_effort on gpt-4.1 and penalties on gpt-5.2).
        for (String model : List.of("gpt-5.2", "gpt-4.1")) {
            ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(model).addUserMessage("Same request, " + model).reasoningEffort(ReasoningEffort.LOW)
                    .presencePenalty(0.5).frequencyPenalty(0.1).build());
            assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("Hello from " + model + "."));
        }
        JsonNode reasoning = stack.upstream("gpt-5.2", 1).get(0).body();
        assertThat(reasoning.get("reasoning_effort").asText()).isEqualTo("low");
        assertThat(reasoning.has("presence_penalty") || reasoning.has("frequency_penalty")).isFalse();
        JsonNode other = stack.upstream("gpt-4.1", 1).get(0).body();
        assertThat(other.has("reasoning_effort")).isFalse();
        assertThat(other.get("presence_penalty").asDouble()).isEqualTo(0.5);
    }

    @Test
    void oneReasoningEffortIsAnsweredByModelsWithDifferentEfforts() {
        // A router splitting users between gpt-5-mini, gpt-5.2, o3 and gpt-4.1 sends each the same request: OpenAI
        // refuses "minimal" on gpt-5.2 and o3, temperature and logprobs on a model that reasons, stop on every
        // reasoning model, and a verbosity other than medium outside the gpt-5 family (the mock too).
        for (String model : List.of("gpt-5-mini", "gpt-5.2", "o3", "gpt-4.1")) {
            ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(model).addUserMessage("Quick, " + model).reasoningEffort(ReasoningEffort.MINIMAL)
                    .temperature(0.3).logprobs(true).topLogprobs(2).verbosity(ChatCompletionCreateParams.Verbosity.LOW)
                    .stop("\nObservation:").build());
            assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("Hello from " + model + "."));
        }
        JsonNode mini = stack.upstream("gpt-5-mini", 1).get(0).body();
        assertThat(mini.get("reasoning_effort").asText()).isEqualTo("minimal");
        assertThat(mini.has("temperature") || mini.has("logprobs") || mini.has("top_logprobs")).isFalse();
        JsonNode gpt52 = stack.upstream("gpt-5.2", 1).get(0).body();
        assertThat(gpt52.get("reasoning_effort").asText()).isEqualTo("none"); // its closest, where it samples
        assertThat(gpt52.get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(gpt52.get("logprobs").asBoolean()).isTrue();
        JsonNode o3 = stack.upstream("o3", 1).get(0).body();
        assertThat(o3.get("reasoning_effort").asText()).isEqualTo("low");
        assertThat(o3.has("temperature") || o3.has("logprobs")).isFalse();
        JsonNode other = stack.upstream("gpt-4.1", 1).get(0).body();
        assertThat(other.has("reasoning_effort")).isFalse();
        assertThat(other.get("top_logprobs").asInt()).isEqualTo(2);
        assertThat(other.at("/stop/0").asText()).isEqualTo("\nObservation:");
        assertThat(mini.has("stop") || gpt52.has("stop") || o3.has("stop")).isFalse();
        assertThat(other.has("verbosity")).isFalse(); // OpenAI takes only medium outside the gpt-5 family
        assertThat(mini.get("verbosity").asText()).isEqualTo("low");
    }

    @Test
    void aReasoningEffortIsTheThinkingEachClaudeGenerationTakes() {
        for (String model : List.of("claude-sonnet-4-5", "claude-sonnet-4-6", "claude-opus-4-7")) {
            ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(model).addUserMessage("Think, " + model).reasoningEffort(ReasoningEffort.HIGH).temperature(0.7).build());
            assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("Hello from " + model + "."));
        }
        assertThat(stack.upstream("claude-sonnet-4-5", 1).get(0).body().at("/thinking/type").asText()).isEqualTo("enabled");
        JsonNode adaptive = stack.upstream("claude-sonnet-4-6", 1).get(0).body();
        assertThat(adaptive.at("/thinking/type").asText()).isEqualTo("adaptive");
        assertThat(adaptive.at("/output_config/effort").asText()).isEqualTo("high");
        assertThat(stack.upstream("claude-opus-4-7", 1).get(0).body().at("/thinking/type").asText()).isEqualTo("adaptive");
    }

    @Test
    void streamingChatWithUsageAndLogprobs() {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("openai/gpt-4.1").addUserMessage("Stream please").logprobs(true)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                accumulator.accumulate(chunk);
            });
        }
        ChatCompletion completion = accumulator.chatCompletion();

        assertThat(completion.choices().get(0).message().content().orElseThrow()).startsWith("Hello from gpt-4.1.");
        assertThat(completion.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(chunks.get(chunks.size() - 1).choices()).isEmpty(); // the usage chunk
        assertThat(chunks.stream().filter(c -> !c.choices().isEmpty() && c.choices().get(0).logprobs().isPresent()).count()).isPositive();
    }

    @Test
    void toolCallRoundTripOnAnOpenAiModel() {
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model("gpt-5.2")
                .addUserMessage("What's the weather in Paris?").addTool(weatherTool())
                .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.REQUIRED));
        ChatCompletion first = client.chat().completions().create(params.build());

        assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessage message = first.choices().get(0).message();
        ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(CompatStack.json(call.function().arguments()).isObject()).isTrue();

        ChatCompletion second = client.chat().completions().create(params
                .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.AUTO))
                .addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18 degrees, cloudy").build())
                .build());
        assertThat(second.choices().get(0).message().content().orElseThrow()).startsWith("Tool said: 18 degrees, cloudy");
    }

    @Test
    void aToolForcedByNameEndsWithToolCallsAsEveryToolCallDoes() {
        // OpenAI (and the mock) end a call forced by a named tool_choice with finish_reason "stop".
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4.1")
                .addUserMessage("What's the weather in Lima?").addTool(weatherTool())
                .toolChoice(ChatCompletionToolChoiceOption.ofNamedToolChoice(ChatCompletionNamedToolChoice.builder()
                        .function(ChatCompletionNamedToolChoice.Function.builder().name("get_weather").build()).build()))
                .build();
        ChatCompletion plain = client.chat().completions().create(params);
        assertThat(plain.choices().get(0).message().toolCalls().orElseThrow()).hasSize(1);
        assertThat(plain.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);

        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        assertThat(accumulator.chatCompletion().choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void jsonModeAndJsonSchema() {
        ChatCompletion object = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4.1").addUserMessage("Answer in JSON").responseFormat(ResponseFormatJsonObject.builder().build()).build());
        assertThat(CompatStack.json(object.choices().get(0).message().content().orElseThrow()).get("answer").asText())
                .isEqualTo("Hello from gpt-4.1.");

        ChatCompletion schema = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-5.2").addUserMessage("Answer with the schema")
                .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                        .name("answer").schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object")).build()).build()).build())
                .build());
        assertThat(CompatStack.json(schema.choices().get(0).message().content().orElseThrow()).has("answer")).isTrue();
    }

    // ---- chat completions, Anthropic models ----

    @Test
    void anOpenAiClientGetsAnAnthropicModelsAnswerWithUsageAndFinishReasonMapped() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude-sonnet-4-5").addSystemMessage("Be brief.").addUserMessage("Hi Claude").temperature(0.3).topP(0.9)
                .maxCompletionTokens(300).build());

        assertThat(completion.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(completion.choices().get(0).message().content().orElseThrow()).startsWith("Hello from claude-sonnet-4-5.");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(completion.usage().orElseThrow().completionTokens()).isPositive();
        JsonNode upstream = stack.upstream("claude-sonnet-4-5", 1).get(0).body();
        assertThat(upstream.get("system").asText()).isEqualTo("Be brief.");
        assertThat(upstream.get("max_tokens").asInt()).isEqualTo(300);
        assertThat(upstream.has("top_p")).isFalse(); // Claude 4.5 takes temperature or top_p, not both
        Completion record = stack.completion(requestIdOf(completion.id()));
        assertThat(String.join("\n", record.getNotes())).contains("top_p");
        assertThat(record.getCostUsd()).isPositive();
    }

    @Test
    void aStreamedToolCallRoundTripOnAnAnthropicModel() {
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model("anthropic/claude-sonnet-4-5")
                .addUserMessage("Weather in Oslo?").addTool(weatherTool()).parallelToolCalls(false)
                .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.REQUIRED))
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        ChatCompletion first = stream(params.build());

        assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).startsWith("toolu_");
        assertThat(CompatStack.json(call.function().arguments()).get("query").asText()).contains("Weather in Oslo?");
        JsonNode upstream = stack.upstream("claude-sonnet-4-5", 1).get(0).body();
        assertThat(upstream.at("/tool_choice/type").asText()).isEqualTo("any");
        assertThat(upstream.at("/tool_choice/disable_parallel_tool_use").asBoolean()).isTrue();
        assertThat(upstream.at("/tools/0/input_schema/properties/city/type").asText()).isEqualTo("string");

        ChatCompletion second = stream(params
                .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.AUTO))
                .addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("-3 degrees").build())
                .build());
        assertThat(second.choices().get(0).message().content().orElseThrow()).startsWith("Tool said: -3 degrees");
        assertThat(second.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(second.usage().orElseThrow().totalTokens()).isPositive();
        JsonNode resent = stack.upstream("claude-sonnet-4-5", 2).get(1).body().get("messages");
        assertThat(resent.at("/1/content/0/type").asText()).isEqualTo("tool_use");
        assertThat(resent.at("/2/content/0/tool_use_id").asText()).isEqualTo(call.id());
    }

    @Test
    void jsonSchemaOnAnAnthropicModelBecomesItsStructuredOutputAndJsonObjectIsAClear400() {
        ChatCompletion schema = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude-sonnet-4-5").addUserMessage("Structured please")
                .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                        .name("answer").schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object")).build()).build()).build())
                .build());
        assertThat(schema.choices().get(0).message().content()).isPresent();
        assertThat(stack.upstream("claude-sonnet-4-5", 1).get(0).body().at("/output_config/format/type").asText()).isEqualTo("json_schema");

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude-sonnet-4-5").addUserMessage("json please").responseFormat(ResponseFormatJsonObject.builder().build()).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("json_object");
    }

    @Test
    void theModelListHasTheCatalogAndTheRouters() {
        List<String> ids = new ArrayList<>();
        client.models().list().autoPager().forEach(model -> ids.add(model.id()));
        assertThat(ids).contains("openai/gpt-5.2", "anthropic/claude-sonnet-4-5", "groq/llama-3.3-70b-versatile", "router/coding");
        assertThat(client.models().retrieve("router/coding").ownedBy()).isEqualTo("switchyard");
    }

    // ---- refusals ----

    @Test
    void badInputIsRefusedInOpenAisErrorShape() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4.1").addUserMessage("two please").n(2).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).hasValue("n");
                    assertThat(e.type()).hasValue("invalid_request_error");
                });
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4.1").addUserMessage("hi")
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_nowhere").content("orphan").build()).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("tool");
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("no-such-model-anywhere").addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder()
                .model("gpt-5.2-codex").input("hi").previousResponseId("resp_earlier").build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("previous_response_id");
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder()
                .model("gpt-5.2-codex").input("hi").store(true).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("store");
    }

    // ---- the Responses API ----

    @Test
    void responsesPlainAndStreamingOnAResponsesModel() {
        Response plain = client.responses().create(ResponseCreateParams.builder()
                .model("gpt-5.2-codex").instructions("Be brief.").input("Hello Codex").store(false).build());
        assertThat(outputText(plain)).startsWith("Hello from gpt-5.2-codex.");
        assertThat(plain.usage().orElseThrow().outputTokens()).isPositive();
        assertThat(stack.upstream("gpt-5.2-codex", 1).get(0).path()).isEqualTo("/v1/responses");

        ResponseAccumulator accumulator = ResponseAccumulator.create();
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("gpt-5.2-codex").input("Stream, Codex").build())) {
            stream.stream().forEach(event -> {
                events.add(event);
                accumulator.accumulate(event);
            });
        }
        assertThat(events.get(0).isCreated()).isTrue();
        assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
        assertThat(outputText(accumulator.response())).startsWith("Hello from gpt-5.2-codex.");
    }

    @Test
    void responsesToolCallRoundTripOnAnAnthropicModel() {
        ResponseCreateParams.Builder params = ResponseCreateParams.builder().model("claude-sonnet-4-5").store(false)
                .addTool(FunctionTool.builder().name("get_weather").strict(false)
                        .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string")))).build())
                        .build())
                .toolChoice(ToolChoiceOptions.REQUIRED);
        List<ResponseInputItem> input = new ArrayList<>();
        input.add(ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
                .role(com.openai.models.responses.EasyInputMessage.Role.USER).content("Weather in Rome?").build()));
        Response first = client.responses().create(params.inputOfResponse(input).build());

        ResponseFunctionToolCall call = first.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).findFirst().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).startsWith("toolu_");

        input.add(ResponseInputItem.ofFunctionCall(call));
        input.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(call.callId()).output("sunny").build()));
        Response second = client.responses().create(params.toolChoice(ToolChoiceOptions.AUTO).inputOfResponse(input).build());
        assertThat(outputText(second)).startsWith("Tool said: sunny");
        assertThat(second.usage().orElseThrow().inputTokens()).isPositive();
    }

    // ---- helpers ----

    private static ChatCompletion stream(ChatCompletionCreateParams params) {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        return accumulator.chatCompletion();
    }

    private static ChatCompletionTool weatherTool() {
        return ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Current weather of a city")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city"))).build())
                .build()).build());
    }

    private static String outputText(Response response) {
        StringBuilder text = new StringBuilder();
        response.output().stream().filter(o -> o.message().isPresent()).forEach(o -> o.asMessage().content()
                .forEach(c -> c.outputText().ifPresent(t -> text.append(t.text()))));
        return text.toString();
    }

    /** chatcmpl-&lt;id&gt; names request req_&lt;id&gt;. */
    private static String requestIdOf(String completionId) {
        return "req_" + completionId.substring("chatcmpl-".length());
    }
}
