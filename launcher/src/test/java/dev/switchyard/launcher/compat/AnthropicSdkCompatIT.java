package dev.switchyard.launcher.compat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Metadata;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolChoiceTool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.Completion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official Anthropic Java SDK, unchanged apart from base URL and key, against the whole pipeline: plain,
 * streaming, a tool call round trip (with extended thinking and its signature), structured output and token counting,
 * served by Anthropic models and by OpenAI models, with usage and stop reasons mapped; and refusals in Anthropic's
 * error shape.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AnthropicSdkCompatIT {
    private static CompatStack stack;
    private static AnthropicClient client;

    @BeforeAll
    static void start() {
        stack = CompatStack.get();
        client = AnthropicOkHttpClient.builder().baseUrl(stack.baseUrl).apiKey("sk-ant-test-not-a-real-key").maxRetries(0).build();
    }

    @BeforeEach
    void resetMock() {
        stack.mock.reset();
        stack.mock.clearRequests();
    }

    // ---- Anthropic models ----

    @Test
    void plainMessageWithCachedSystemBlocks() {
        Message message = client.messages().create(MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(512)
                .systemOfTextBlockParams(List.of(TextBlockParam.builder().text("You are terse.")
                        .cacheControl(CacheControlEphemeral.builder().build()).build()))
                .metadata(Metadata.builder().userId("user-42").build())
                .addUserMessage("Hello Claude").build());

        assertThat(message.content().get(0).asText().text()).startsWith("Hello from claude-sonnet-4-5.");
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isPositive();
        assertThat(message.usage().outputTokens()).isPositive();
        JsonNode upstream = stack.upstream("claude-sonnet-4-5", 1).get(0).body();
        assertThat(upstream.at("/system/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(upstream.at("/metadata/user_id").asText()).isEqualTo("user-42");
        assertThat(upstream.get("max_tokens").asInt()).isEqualTo(512);
    }

    @Test
    void streamingMessageAccumulatesLikeFromAnthropic() {
        Message message = stream(MessageCreateParams.builder().model("anthropic/claude-haiku-4-5").maxTokens(256)
                .addUserMessage("Stream please").build());

        assertThat(message.content().get(0).asText().text()).startsWith("Hello from claude-haiku-4-5.");
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isPositive();
    }

    @Test
    void toolCallRoundTripWithThinkingSendsTheSignedThinkingBack() {
        MessageCreateParams.Builder params = MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(4096)
                .enabledThinking(2048).addTool(weatherTool()).addUserMessage("Weather in Lima? [[mock:tool]]");
        Message first = stream(params.build());

        assertThat(first.stopReason()).hasValue(StopReason.TOOL_USE);
        assertThat(first.content().get(0).isThinking()).isTrue();
        assertThat(first.content().get(0).asThinking().signature()).startsWith("mocksig_");
        ToolUseBlock use = first.content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse).findFirst().orElseThrow();
        assertThat(use.name()).isEqualTo("get_weather");

        Message second = client.messages().create(params.addMessage(first)
                .addUserMessageOfBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(use.id()).content("warm and dry").build())))
                .build());
        assertThat(second.content().stream().filter(ContentBlock::isText).findFirst().orElseThrow().asText().text())
                .startsWith("Tool said: warm and dry");
        JsonNode resent = stack.upstream("claude-sonnet-4-5", 2).get(1).body();
        assertThat(resent.at("/messages/1/content/0/signature").asText()).isEqualTo(first.content().get(0).asThinking().signature());
    }

    @Test
    void claudesStopSequenceReachesTheClientAsClaudeSentIt() {
        MessageCreateParams params = MessageCreateParams.builder().model("claude-haiku-4-5").maxTokens(256)
                .stopSequences(List.of("absent", "from")).addUserMessage("Count please").build();

        HttpResponseFor<Message> raw = client.messages().withRawResponse().create(params);
        Message plain = raw.parse();
        assertThat(plain.stopReason()).hasValue(StopReason.STOP_SEQUENCE);
        assertThat(plain.stopSequence()).hasValue("from");
        assertThat(plain.content().get(0).asText().text()).isEqualTo("Hello ");
        assertThat(stack.completion(raw.requestId().orElseThrow()).getFinishReason())
                .as("OpenAI's vocabulary everywhere else").isEqualTo("stop");

        Message streamed = stream(params);
        assertThat(streamed.stopReason()).hasValue(StopReason.STOP_SEQUENCE);
        assertThat(streamed.stopSequence()).hasValue("from");
    }

    @Test
    void messageStartCarriesClaudesInputUsageAndAnOpenAiModelsComesInMessageDelta() {
        List<RawMessageStreamEvent> claude = events(MessageCreateParams.builder().model("claude-haiku-4-5").maxTokens(256)
                .addUserMessage("Usage up front please").build());
        long atStart = claude.get(0).asMessageStart().message().usage().inputTokens();
        assertThat(atStart).as("what the Vercel AI SDK and older Anthropic SDKs read").isPositive();
        assertThat(claude.stream().filter(RawMessageStreamEvent::isMessageDelta).findFirst().orElseThrow()
                .asMessageDelta().usage().inputTokens()).hasValue(atStart);

        List<RawMessageStreamEvent> gpt = events(MessageCreateParams.builder().model("gpt-4.1").maxTokens(256)
                .addUserMessage("Usage at the end please").build());
        assertThat(gpt.get(0).asMessageStart().message().usage().inputTokens()).as("not known before the end").isZero();
        assertThat(gpt.stream().filter(RawMessageStreamEvent::isMessageDelta).findFirst().orElseThrow()
                .asMessageDelta().usage().inputTokens()).hasValueSatisfying(n -> assertThat(n).isPositive());
    }

    @Test
    void redactedThinkingGoesToTheClientAndBackToClaudeUnchanged() {
        MessageCreateParams.Builder params = MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(4096)
                .enabledThinking(2048).addTool(weatherTool())
                .addUserMessage("Weather in Oslo? ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB [[mock:tool]]");
        Message first = stream(params.build());

        assertThat(first.content().get(0).isRedactedThinking()).isTrue();
        String data = first.content().get(0).asRedactedThinking().data();
        assertThat(data).startsWith("mockredacted_");
        assertThat(first.stopReason()).hasValue(StopReason.TOOL_USE);
        ToolUseBlock use = first.content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse).findFirst().orElseThrow();

        Message second = client.messages().create(params.addMessage(first)
                .addUserMessageOfBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(use.id()).content("cold").build())))
                .build());
        assertThat(second.content().stream().filter(ContentBlock::isText).findFirst().orElseThrow().asText().text())
                .startsWith("Tool said: cold");
        JsonNode resent = stack.upstream("claude-sonnet-4-5", 2).get(1).body();
        assertThat(resent.at("/messages/1/content/0/type").asText()).isEqualTo("redacted_thinking");
        assertThat(resent.at("/messages/1/content/0/data").asText()).isEqualTo(data);

        Message whole = client.messages().create(MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(4096)
                .enabledThinking(2048).addUserMessage("ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB")
                .build());
        assertThat(whole.content().get(0).isRedactedThinking()).as("not streamed").isTrue();
        assertThat(whole.content().get(1).asText().text()).startsWith("Hello from claude-sonnet-4-5.");
    }

    @Test
    void oneThinkingRequestIsAnsweredByClaudeGenerationsWithDifferentThinking() {
        // A router splitting Claude Code between claude-sonnet-4-5 (thinks with a budget) and claude-opus-4-7 (thinks
        // only adaptively, takes no temperature): Anthropic, and the mock, refuse the budget form on the latter.
        for (String model : List.of("claude-sonnet-4-5", "claude-opus-4-7")) {
            Message answer = stream(MessageCreateParams.builder().model(model).maxTokens(4096).enabledThinking(2048)
                    .temperature(1.0).addUserMessage("Think, " + model).build());
            assertThat(answer.content().get(0).isThinking()).as(model + " thought").isTrue();
            assertThat(answer.content().stream().filter(ContentBlock::isText).findFirst().orElseThrow().asText().text())
                    .startsWith("Hello from " + model + ".");
        }
        JsonNode older = stack.upstream("claude-sonnet-4-5", 1).get(0).body();
        assertThat(older.at("/thinking/budget_tokens").asInt()).isEqualTo(2048);
        JsonNode newer = stack.upstream("claude-opus-4-7", 1).get(0).body();
        assertThat(newer.at("/thinking/type").asText()).isEqualTo("adaptive");
        assertThat(newer.at("/output_config/effort").asText()).isEqualTo("low");
        assertThat(newer.has("temperature")).isFalse();
    }

    @Test
    void countTokensUsesTheProvidersCounterForAnthropicModelsAndSaysWhenItEstimates() {
        long counted = client.messages().countTokens(MessageCountTokensParams.builder().model("claude-sonnet-4-5")
                .addUserMessage("How many tokens is this sentence?").build()).inputTokens();
        assertThat(counted).isPositive();
        assertThat(stack.mock.requests().get(stack.mock.requests().size() - 1).path()).isEqualTo("/v1/messages/count_tokens");

        String body = "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"How many tokens is this?\"}]}";
        HttpResponse<String> estimated = stack.post("/v1/messages/count_tokens", body, Map.of("anthropic-version", "2023-06-01"));
        assertThat(estimated.statusCode()).isEqualTo(200);
        assertThat(estimated.headers().firstValue("x-switchyard-token-count")).hasValue("estimate");
        assertThat(CompatStack.json(estimated.body()).get("input_tokens").asLong()).isPositive();
        HttpResponse<String> exact = stack.post("/v1/messages/count_tokens", body.replace("gpt-4.1", "claude-haiku-4-5"),
                Map.of("anthropic-version", "2023-06-01"));
        assertThat(exact.headers().firstValue("x-switchyard-token-count")).hasValue("provider");
        Completion completion = stack.completion(exact.headers().firstValue("x-switchyard-request-id").orElseThrow());
        assertThat(completion.getCostUsd()).isZero(); // counting is free
        assertThat(completion.getCountTokens()).as("kept out of experiment reports").isTrue();
    }

    // ---- OpenAI models ----

    @Test
    void anAnthropicClientGetsAnOpenAiModelsAnswerWithUsageAndStopReasonMapped() {
        Message message = client.messages().create(MessageCreateParams.builder().model("gpt-4.1").maxTokens(300)
                .system("Be brief.").addUserMessage("Hi GPT").temperature(0.2).stopSequences(List.of("STOP")).build());

        assertThat(message.model().asString()).isEqualTo("gpt-4.1");
        assertThat(message.content().get(0).asText().text()).startsWith("Hello from gpt-4.1.");
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isPositive();
        JsonNode upstream = stack.upstream("gpt-4.1", 1).get(0).body();
        assertThat(upstream.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(upstream.get("max_tokens").asInt()).isEqualTo(300);
        assertThat(upstream.at("/stop/0").asText()).isEqualTo("STOP");

        Message cut = client.messages().create(MessageCreateParams.builder().model("gpt-4.1").maxTokens(3)
                .addUserMessage("Say a lot").build());
        assertThat(cut.stopReason()).hasValue(StopReason.MAX_TOKENS);
    }

    @Test
    void aStreamedToolCallRoundTripOnAnOpenAiModel() {
        MessageCreateParams.Builder params = MessageCreateParams.builder().model("gpt-5.2").maxTokens(1024)
                .addTool(weatherTool()).toolChoice(ToolChoiceAny.builder().build()).addUserMessage("Weather in Cairo?");
        Message first = stream(params.build());

        assertThat(first.stopReason()).hasValue(StopReason.TOOL_USE);
        ToolUseBlock use = first.content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse).findFirst().orElseThrow();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use.id()).startsWith("call_");
        assertThat(use._input().toString()).contains("Weather in Cairo?");
        JsonNode upstream = stack.upstream("gpt-5.2", 1).get(0).body();
        assertThat(upstream.get("tool_choice").asText()).isEqualTo("required");
        assertThat(upstream.at("/tools/0/function/parameters/properties/city/type").asText()).isEqualTo("string");
        assertThat(upstream.get("max_completion_tokens").asInt()).isEqualTo(1024);

        Message second = stream(params.toolChoice(com.anthropic.models.messages.ToolChoiceAuto.builder().build()).addMessage(first)
                .addUserMessageOfBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(use.id()).content("hot").build())))
                .build());
        assertThat(second.content().get(0).asText().text()).startsWith("Tool said: hot");
        assertThat(second.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(second.usage().outputTokens()).isPositive();
        JsonNode resent = stack.upstream("gpt-5.2", 2).get(1).body().get("messages");
        assertThat(resent.at("/1/tool_calls/0/id").asText()).isEqualTo(use.id());
        assertThat(resent.at("/2/role").asText()).isEqualTo("tool");
    }

    @Test
    void aToolForcedByNameOnAnOpenAiModelEndsWithToolUse() {
        // OpenAI (and the mock) end a call forced by a named tool_choice with finish_reason "stop"; an agent loop
        // continues only on tool_use.
        MessageCreateParams params = MessageCreateParams.builder().model("gpt-4.1").maxTokens(300).addTool(weatherTool())
                .toolChoice(ToolChoiceTool.builder().name("get_weather").build()).addUserMessage("Weather in Quito?").build();

        HttpResponseFor<Message> plain = client.messages().withRawResponse().create(params);
        Message message = plain.parse();
        assertThat(message.content()).anySatisfy(block -> assertThat(block.isToolUse()).isTrue());
        assertThat(message.stopReason()).hasValue(StopReason.TOOL_USE);
        assertThat(stack.upstream("gpt-4.1", 1).get(0).body().at("/tool_choice/function/name").asText()).isEqualTo("get_weather");
        assertThat(stack.completion(plain.requestId().orElseThrow()).getFinishReason())
                .as("the Completion records the tool call too").isEqualTo("tool_calls");

        Message streamed = stream(params);
        assertThat(streamed.content()).anySatisfy(block -> assertThat(block.isToolUse()).isTrue());
        assertThat(streamed.stopReason()).hasValue(StopReason.TOOL_USE);
    }

    @Test
    void structuredOutputOnAnOpenAiModelBecomesItsJsonSchemaResponseFormat() {
        Message message = client.messages().create(MessageCreateParams.builder().model("gpt-4.1").maxTokens(300)
                .addUserMessage("Structured answer please")
                .putAdditionalBodyProperty("output_config", JsonValue.from(Map.of("format",
                        Map.of("type", "json_schema", "schema", Map.of("type", "object", "properties", Map.of("answer", Map.of("type", "string")))))))
                .build());

        assertThat(CompatStack.json(message.content().get(0).asText().text()).get("answer").asText()).isEqualTo("Hello from gpt-4.1.");
        assertThat(stack.upstream("gpt-4.1", 1).get(0).body().at("/response_format/type").asText()).isEqualTo("json_schema");
    }

    @Test
    void theModelListIsAnthropicsShapeForAnthropicsSdk() {
        List<String> ids = new ArrayList<>();
        client.models().list().autoPager().forEach(model -> ids.add(model.id()));
        assertThat(ids).contains("anthropic/claude-sonnet-4-5", "openai/gpt-5.2", "router/coding");
        assertThat(client.models().retrieve("anthropic/claude-haiku-4-5").displayName()).isEqualTo("anthropic/claude-haiku-4-5");
    }

    // ---- refusals ----

    @Test
    void badInputIsRefusedInAnthropicsErrorShape() {
        HttpResponse<String> noMaxTokens = stack.post("/v1/messages",
                "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Map.of("anthropic-version", "2023-06-01"));
        assertThat(noMaxTokens.statusCode()).isEqualTo(400);
        JsonNode error = CompatStack.json(noMaxTokens.body());
        assertThat(error.get("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.at("/error/message").asText()).isEqualTo("max_tokens: Field required");

        assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(100)
                .addUserMessageOfBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId("toolu_nowhere").content("orphan").build()))).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("tool_use_id"));
        assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder().model("claude-nonexistent-9").maxTokens(100)
                .addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class);
        HttpResponse<String> empty = stack.post("/v1/messages",
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[]}", Map.of("anthropic-version", "2023-06-01"));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(CompatStack.json(empty.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void consecutiveUserTurnsAreMergedAsAnthropicDoes() {
        Message message = client.messages().create(MessageCreateParams.builder().model("claude-haiku-4-5").maxTokens(100)
                .addUserMessage("First part.").addUserMessage("Second part.").build());

        assertThat(message.content().get(0).asText().text()).startsWith("Hello from claude-haiku-4-5.");
        JsonNode messages = stack.upstream("claude-haiku-4-5", 1).get(0).body().get("messages");
        assertThat(messages).hasSize(1);
        assertThat(messages.at("/0/content")).hasSize(2);
    }

    // ---- helpers ----

    private static Message stream(MessageCreateParams params) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        events(params).forEach(accumulator::accumulate);
        return accumulator.message();
    }

    private static List<RawMessageStreamEvent> events(MessageCreateParams params) {
        List<RawMessageStreamEvent> events = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(events::add);
        }
        assertThat(events.get(0).isMessageStart()).isTrue();
        assertThat(events.get(events.size() - 1).isMessageStop()).isTrue();
        return events;
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Current weather of a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .addRequired("city").build())
                .build();
    }
}
