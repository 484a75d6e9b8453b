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
    void errorsAreAnthropicsShapeWithTheUpstreamStatusMapped() {
        AnthropicStreamResponder responder = new AnthropicStreamResponder(ID, "m", model -> true);
        assertThat(responder.errorEvent(new ReplyError(529, "overloaded_error", null, null, "Overloaded", null)))
                .isEqualTo(event("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        assertThat(responder.errorBody(new ReplyError(429, "rate_limit_exceeded", null, null, "slow down", null)))
                .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}");
        assertThat(responder.errorBody(new ReplyError(502, "upstream_error", null, null, "broke", null)))
                .contains("\"type\":\"api_error\"");
    }

    @Test
    void aTokenCountSaysWhetherItIsTheProvidersOrAnEstimate() {
        AnthropicCountTokensResponder counted = new AnthropicCountTokensResponder();
        counted.onChunk(last(ID, "w-1", 0, "token_count", usage(40, 0, 2, 0, 0), List.of()));
        assertThat(counted.finish()).isEqualTo("{\"input_tokens\":42}");
        assertThat(counted.headers()).containsEntry("x-switchyard-token-count", "provider");

        AnthropicCountTokensResponder estimated = new AnthropicCountTokensResponder();
        estimated.onChunk(last(ID, "w-1", 0, "token_count_estimate", usage(7, 0, 0, 0, 0), List.of()));
        assertThat(estimated.headers()).containsEntry("x-switchyard-token-count", "estimate");
    }
}
