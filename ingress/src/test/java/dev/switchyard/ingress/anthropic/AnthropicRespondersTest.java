package dev.switchyard.ingress.anthropic;

import dev.switchyard.events.ReplyError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.switchyard.ingress.Chunks.chunk;
import static dev.switchyard.ingress.Chunks.last;
import static dev.switchyard.ingress.Chunks.tool;
import static dev.switchyard.ingress.Chunks.usage;
import static org.assertj.core.api.Assertions.assertThat;

/** Golden output of the Anthropic responders: the event sequence of Anthropic's streaming documentation, byte for byte. */
class AnthropicRespondersTest {
    private static final String ID = "req_abc";

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    @Test
    void aStreamIsTheDocumentedEventSequence() {
        AnthropicStreamResponder responder = new AnthropicStreamResponder(ID, "router/coding", model -> model.startsWith("anthropic/"));
        String out = responder.onChunk(chunk(ID, "w-1", 0).setModelId("anthropic/claude-sonnet-4-5")
                        .setModelName("claude-sonnet-4-5-20250929").setReasoning("Let me think").build())
                + responder.onChunk(chunk(ID, "w-1", 1).setReasoningSignature("sig-1").build())
                + responder.onChunk(chunk(ID, "w-1", 2).setText("Checking").build())
                + responder.onChunk(chunk(ID, "w-1", 3).setToolCalls(List.of(tool(0, "toolu_1", "get_weather", ""))).build())
                + responder.onChunk(chunk(ID, "w-1", 4).setToolCalls(List.of(tool(0, null, null, "{\"city\":"))).build())
                + responder.onChunk(chunk(ID, "w-1", 5).setToolCalls(List.of(tool(0, null, null, "\"Paris\"}"))).build())
                + responder.onChunk(last(ID, "w-1", 6, "tool_calls", usage(472, 89, 2000, 100, 0), List.of()))
                + responder.finish();

        assertThat(out).isEqualTo(""
                + event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_abc\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\",\"stop_reason\":null,\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":0,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":0}}}")
                + event("ping", "{\"type\":\"ping\"}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me think\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"sig-1\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Checking\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
                + "\"usage\":{\"input_tokens\":472,\"cache_creation_input_tokens\":100,\"cache_read_input_tokens\":2000,\"output_tokens\":89}}")
                + event("message_stop", "{\"type\":\"message_stop\"}"));
    }

    @Test
    void claudesOwnStartUsageRedactedThinkingAndStopSequenceReachAnAnthropicClientAsClaudeSentThem() {
        String redacted = "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix\"}";
        AnthropicStreamResponder responder = new AnthropicStreamResponder(ID, "claude-sonnet-4-5", model -> model.startsWith("anthropic/"));
        String out = responder.onChunk(chunk(ID, "w-1", 0).setModelId("anthropic/claude-sonnet-4-5").setModelName("claude-sonnet-4-5-20250929")
                        .setUsage(usage(312, 3, 4096, 0, 0)).setNativeBlockJson(redacted).build())
                + responder.onChunk(chunk(ID, "w-1", 1).setText("1, 2, 3").build())
                + responder.onChunk(chunk(ID, "w-1", 2).setFinal$(true).setFinishReason("stop").setStopReason("stop_sequence")
                        .setStopSequence("\n\nHuman:").setUsage(usage(312, 41, 4096, 0, 0)).build());

        assertThat(out).isEqualTo(""
                + event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_abc\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\",\"stop_reason\":null,\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":312,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":4096,\"output_tokens\":3}}}")
                + event("ping", "{\"type\":\"ping\"}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":" + redacted + "}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"1, 2, 3\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"\\n\\nHuman:\"},"
                + "\"usage\":{\"input_tokens\":312,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":4096,\"output_tokens\":41}}")
                + event("message_stop", "{\"type\":\"message_stop\"}"));

        AnthropicMessageResponder message = new AnthropicMessageResponder(ID, "claude-sonnet-4-5", model -> model.startsWith("anthropic/"));
        message.onChunk(chunk(ID, "w-1", 0).setModelId("anthropic/claude-sonnet-4-5").setModelName("claude-sonnet-4-5")
                .setUsage(usage(312, 3, 4096, 0, 0)).setNativeBlockJson(redacted).build());
        message.onChunk(chunk(ID, "w-1", 1).setText("1, 2, 3").build());
        message.onChunk(chunk(ID, "w-1", 2).setFinal$(true).setFinishReason("stop").setStopReason("stop_sequence")
                .setStopSequence("\n\nHuman:").setUsage(usage(312, 41, 4096, 0, 0)).build());
        assertThat(message.finish()).isEqualTo("{\"id\":\"msg_abc\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[" + redacted + ",{\"type\":\"text\",\"text\":\"1, 2, 3\"}],\"stop_reason\":\"stop_sequence\","
                + "\"stop_sequence\":\"\\n\\nHuman:\",\"usage\":{\"input_tokens\":312,\"cache_creation_input_tokens\":0,"
                + "\"cache_read_input_tokens\":4096,\"output_tokens\":41}}");
    }

    @Test
    void claudesServerToolCallsAndResultsAreStreamedAsClaudeStreamsThemAndKeptWholeInAMessage() {
        String call = "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{\"query\":\"nyc\"}}";
        String result = "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_1\",\"content\":[{\"type\":\"web_search_result\","
                + "\"url\":\"https://w.example\",\"title\":\"W\",\"encrypted_content\":\"Ev0D\",\"page_age\":null}]}";
        AnthropicStreamResponder responder = new AnthropicStreamResponder(ID, "claude-sonnet-4-5", model -> true);
        String out = responder.onChunk(chunk(ID, "w-1", 0).setModelId("anthropic/claude-sonnet-4-5").setText("Checking.").build())
                + responder.onChunk(chunk(ID, "w-1", 1).setNativeBlockJson(call).build())
                + responder.onChunk(chunk(ID, "w-1", 2).setNativeBlockJson(result).build())
                + responder.onChunk(chunk(ID, "w-1", 3).setText("Sunny.").build())
                + responder.onChunk(chunk(ID, "w-1", 4).setFinal$(true).setFinishReason("stop").setStopReason("end_turn").build());

        assertThat(out).contains(""
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
                + "\"partial_json\":\"{\\\"query\\\":\\\"nyc\\\"}\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":" + result + "}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":3,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"))
                .contains("\"stop_reason\":\"end_turn\"");

        AnthropicMessageResponder message = new AnthropicMessageResponder(ID, "claude-sonnet-4-5", model -> true);
        message.onChunk(chunk(ID, "w-1", 0).setModelId("anthropic/claude-sonnet-4-5").setModelName("claude-sonnet-4-5").setText("Checking.").build());
        message.onChunk(chunk(ID, "w-1", 1).setNativeBlockJson(call).build());
        message.onChunk(chunk(ID, "w-1", 2).setNativeBlockJson(result).build());
        message.onChunk(chunk(ID, "w-1", 3).setText("Sunny.").build());
        message.onChunk(chunk(ID, "w-1", 4).setFinal$(true).setFinishReason("stop").setStopReason("end_turn").build());
        assertThat(message.finish()).contains("\"content\":[{\"type\":\"text\",\"text\":\"Checking.\"}," + call + "," + result
                + ",{\"type\":\"text\",\"text\":\"Sunny.\"}],\"stop_reason\":\"end_turn\"");
    }

    @Test
    void stopReasonsOpenAiHasNoWordForPassThroughAndOtherProvidersNativeBlocksNeverReachTheClient() {
        for (String stop : List.of("pause_turn", "refusal", "model_context_window_exceeded")) {
            AnthropicMessageResponder message = new AnthropicMessageResponder(ID, "claude-opus-4-7", model -> true);
            message.onChunk(chunk(ID, "w-1", 0).setModelId("anthropic/claude-opus-4-7").setText("x").build());
            message.onChunk(chunk(ID, "w-1", 1).setFinal$(true).setFinishReason("stop").setStopReason(stop).setStopSequence("ignored").build());
            assertThat(message.finish()).contains("\"stop_reason\":\"" + stop + "\",\"stop_sequence\":null");
        }

        AnthropicStreamResponder other = new AnthropicStreamResponder(ID, "gpt-5.2", model -> model.startsWith("anthropic/"));
        String out = other.onChunk(chunk(ID, "w-1", 0).setModelId("openai/gpt-5.2")
                        .setNativeBlockJson("{\"type\":\"redacted_thinking\",\"data\":\"x\"}").setText("Hi").build())
                + other.onChunk(last(ID, "w-1", 1, "stop", usage(5, 1, 0, 0, 0), List.of()));
        assertThat(out).doesNotContain("redacted_thinking")
                .as("an OpenAI model counts only at the end: zeros in message_start, the real numbers in message_delta")
                .contains("\"usage\":{\"input_tokens\":0,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":0}}}")
                .contains("\"usage\":{\"input_tokens\":5,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}");
    }

    @Test
    void anotherProvidersReasoningHasNoSignatureAndAnEmptyAnswerIsStillOneBlock() {
        AnthropicStreamResponder responder = new AnthropicStreamResponder(ID, "gpt-5.2", model -> model.startsWith("anthropic/"));
        String out = responder.onChunk(chunk(ID, "w-1", 0).setModelId("openai/gpt-5.2-codex").setReasoning("r").build())
                + responder.onChunk(chunk(ID, "w-1", 1).setReasoningSignature("gAAAA-openai").build())
                + responder.onChunk(last(ID, "w-1", 2, "length", usage(1, 1, 0, 0, 0), List.of()));
        assertThat(out).doesNotContain("signature_delta").doesNotContain("gAAAA").contains("\"stop_reason\":\"max_tokens\"");

        AnthropicStreamResponder empty = new AnthropicStreamResponder(ID, "m", model -> true);
        String nothing = empty.onChunk(last(ID, "w-1", 0, "stop", null, List.of()));
        assertThat(nothing).contains("content_block_start").contains("content_block_stop").contains("\"stop_reason\":\"end_turn\"")
                .endsWith(event("message_stop", "{\"type\":\"message_stop\"}"));
    }

    @Test
    void aMessageCollectsItsBlocksInOrder() {
        AnthropicMessageResponder responder = new AnthropicMessageResponder(ID, "claude-sonnet-4-5", model -> true);
        responder.onChunk(chunk(ID, "w-1", 0).setModelId("anthropic/claude-sonnet-4-5").setModelName("claude-sonnet-4-5").setReasoning("Hmm").build());
        responder.onChunk(chunk(ID, "w-1", 1).setReasoningSignature("sig").build());
        responder.onChunk(chunk(ID, "w-1", 2).setText("Sure.").build());
        responder.onChunk(chunk(ID, "w-1", 3).setToolCalls(List.of(tool(0, "toolu_9", "f", "{\"a\":1}"))).build());
        responder.onChunk(last(ID, "w-1", 4, "tool_calls", usage(10, 5, 0, 0, 0), List.of()));

        assertThat(responder.finish()).isEqualTo("{\"id\":\"msg_abc\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[{\"type\":\"thinking\",\"thinking\":\"Hmm\",\"signature\":\"sig\"},{\"type\":\"text\",\"text\":\"Sure.\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"f\",\"input\":{\"a\":1}}],\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":5}}");
    }

    @Test
    void toolUseThatTheProviderEndedWithStopIsStillToolUse() {
        // An OpenAI model forced to call a tool by name says finish_reason "stop": agent loops continue on tool_use only.
        AnthropicStreamResponder stream = new AnthropicStreamResponder(ID, "gpt-4.1", model -> false);
        String out = stream.onChunk(chunk(ID, "w-1", 0).setModelId("openai/gpt-4.1")
                        .setToolCalls(List.of(tool(0, "call_1", "get_weather", "{}"))).build())
                + stream.onChunk(last(ID, "w-1", 1, "stop", usage(10, 5, 0, 0, 0), List.of()));
        assertThat(out).contains("\"stop_reason\":\"tool_use\"").doesNotContain("end_turn");

        AnthropicMessageResponder message = new AnthropicMessageResponder(ID, "gpt-4.1", model -> false);
        message.onChunk(chunk(ID, "w-1", 0).setModelId("openai/gpt-4.1").setToolCalls(List.of(tool(0, "call_1", "get_weather", "{}"))).build());
        message.onChunk(last(ID, "w-1", 1, "stop", usage(10, 5, 0, 0, 0), List.of()));
        assertThat(message.finish()).contains("\"stop_reason\":\"tool_use\"");

        AnthropicMessageResponder cut = new AnthropicMessageResponder(ID, "gpt-4.1", model -> false);
        cut.onChunk(chunk(ID, "w-1", 0).setToolCalls(List.of(tool(0, "call_1", "f", "{\"a\""))).build());
        cut.onChunk(last(ID, "w-1", 1, "length", null, List.of()));
        assertThat(cut.finish()).as("a call cut by max tokens").contains("\"stop_reason\":\"max_tokens\"");
    }

    @Test
    void errorsAreAnthropicsShapeWithTheUpstreamStatusMapped() {
        AnthropicStreamResponder responder = new AnthropicStreamResponder(ID, "m", model -> true);
        assertThat(responder.errorEvent(new ReplyError(529, "overloaded_error", null, null, "Overloaded", null)))
                .isEqualTo(event("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        assertThat(responder.errorBody(new ReplyError(429, "rate_limit_exceeded", null, null, "slow down", null)))
                .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"},\"request_id\":\"req_abc\"}");
        assertThat(new AnthropicMessageResponder(ID, "m", model -> true).errorBody(new ReplyError(404, "not_found_error", null, null, "no", null)))
                .endsWith(",\"request_id\":\"req_abc\"}");
        assertThat(new AnthropicCountTokensResponder(ID).errorBody(new ReplyError(400, "invalid_request_error", null, null, "no", null)))
                .endsWith(",\"request_id\":\"req_abc\"}");
        assertThat(responder.errorBody(new ReplyError(502, "upstream_error", null, null, "broke", null)))
                .contains("\"type\":\"api_error\"");
    }

    @Test
    void aTokenCountSaysWhetherItIsTheProvidersOrAnEstimate() {
        AnthropicCountTokensResponder counted = new AnthropicCountTokensResponder(ID);
        counted.onChunk(last(ID, "w-1", 0, "token_count", usage(40, 0, 2, 0, 0), List.of()));
        assertThat(counted.finish()).isEqualTo("{\"input_tokens\":42}");
        assertThat(counted.headers()).containsEntry("x-switchyard-token-count", "provider");

        AnthropicCountTokensResponder estimated = new AnthropicCountTokensResponder(ID);
        estimated.onChunk(last(ID, "w-1", 0, "token_count_estimate", usage(7, 0, 0, 0, 0), List.of()));
        assertThat(estimated.headers()).containsEntry("x-switchyard-token-count", "estimate");
    }
}
