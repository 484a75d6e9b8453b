package dev.switchyard.workers.providers.anthropic;

import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.Delta;
import dev.switchyard.workers.providers.RecordingListener;
import dev.switchyard.workers.providers.http.SseEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AnthropicStreamDecoderTest {

    @Test
    void decodesTextStopReasonAndUsageWithCacheCounts() {
        RecordingListener out = RecordingListener.decode("/golden/anthropic-text.sse", new AnthropicStreamDecoder(), 9);

        assertThat(out.failure).isNull();
        assertThat(out.completed).isTrue();
        assertThat(out.modelName()).isEqualTo("claude-haiku-4-5-20251001");
        assertThat(out.text()).isEqualTo("Hello!");
        assertThat(out.finishReason()).isEqualTo("stop");
        Usage usage = out.usage();
        assertThat(usage.getInputTokens()).isEqualTo(25);
        assertThat(usage.getCacheReadTokens()).isEqualTo(2000);
        assertThat(usage.getCacheWriteTokens()).isEqualTo(100);
        assertThat(usage.getOutputTokens()).isEqualTo(15);
    }

    @Test
    void decodesThinkingTextAndToolUseAsOpenAiStyleToolCallFragments() {
        RecordingListener out = RecordingListener.decode("/golden/anthropic-tool-use.sse", new AnthropicStreamDecoder(), 31);

        assertThat(out.completed).isTrue();
        assertThat(out.reasoning()).isEqualTo("The user wants the weather.");
        assertThat(out.deltas.stream().map(dev.switchyard.workers.providers.Delta::reasoningSignature).filter(s -> s != null))
                .containsExactly("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds");
        assertThat(out.text()).isEqualTo("Okay, let's check the weather for San Francisco, CA:");
        ToolCallDelta first = out.toolCalls().get(0);
        assertThat(first.getIndex()).isZero(); // the first tool block, though it is content block 2
        assertThat(first.getId()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assertThat(first.getName()).isEqualTo("get_weather");
        assertThat(out.arguments(0)).isEqualTo("{\"location\": \"San Francisco, CA\"}");
        assertThat(out.finishReason()).isEqualTo("tool_calls");
        assertThat(out.usage().getInputTokens()).isEqualTo(472);
        assertThat(out.usage().getOutputTokens()).isEqualTo(89);
    }

    @Test
    void aToolCallWithoutInputHasEmptyObjectArgumentsAsOpenAiSendsThem() {
        RecordingListener out = RecordingListener.decode("/golden/anthropic-tool-use-no-input.sse", new AnthropicStreamDecoder(), 17);

        assertThat(out.completed).isTrue();
        assertThat(out.arguments(0)).as("a tool without parameters").isEqualTo("{}");
        assertThat(out.arguments(1)).isEqualTo("{\"city\": \"Paris\"}");
        assertThat(out.finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void anErrorEventIsAFailureWithAnthropicsTypeAndStatus() {
        RecordingListener out = RecordingListener.decode("/golden/anthropic-error.sse", new AnthropicStreamDecoder(), 1000);

        assertThat(out.completed).isFalse();
        assertThat(out.failure.status()).isEqualTo(529);
        assertThat(out.failure.type()).isEqualTo("overloaded_error");
        assertThat(out.failure.message()).isEqualTo("Overloaded");
    }

    @Test
    void mapsStopReasonsToOpenAiFinishReasons() {
        assertThat(AnthropicStreamDecoder.finishReason("end_turn")).isEqualTo("stop");
        assertThat(AnthropicStreamDecoder.finishReason("stop_sequence")).isEqualTo("stop");
        assertThat(AnthropicStreamDecoder.finishReason("pause_turn")).isEqualTo("stop");
        assertThat(AnthropicStreamDecoder.finishReason("max_tokens")).isEqualTo("length");
        assertThat(AnthropicStreamDecoder.finishReason("model_context_window_exceeded")).isEqualTo("length");
        assertThat(AnthropicStreamDecoder.finishReason("tool_use")).isEqualTo("tool_calls");
        assertThat(AnthropicStreamDecoder.finishReason("refusal")).isEqualTo("content_filter");
    }

    @Test
    void passesOnTheInputUsageOfMessageStartBeforeAnyContent() {
        RecordingListener out = RecordingListener.decode("/golden/anthropic-text.sse", new AnthropicStreamDecoder(), 64);

        Delta start = out.deltas.get(0);
        assertThat(start.hasContent()).isFalse();
        assertThat(start.modelName()).isEqualTo("claude-haiku-4-5-20251001");
        assertThat(start.usage().getInputTokens()).isEqualTo(25);
        assertThat(start.usage().getCacheWriteTokens()).isEqualTo(100);
        assertThat(start.usage().getCacheReadTokens()).isEqualTo(2000);
        assertThat(start.usage().getOutputTokens()).isEqualTo(1);
        assertThat(out.usage().getOutputTokens()).as("the end's usage replaces it").isEqualTo(15);
    }

    @Test
    void keepsAnthropicsOwnStopReasonWithTheMatchedStopSequenceAndPassesRedactedThinkingOnWhole() {
        RecordingListener out = RecordingListener.decode("/golden/anthropic-redacted-stop-sequence.sse", new AnthropicStreamDecoder(), 5);

        assertThat(out.completed).isTrue();
        Delta redacted = out.deltas.get(1);
        assertThat(redacted.hasContent()).as("the attempt's first content").isTrue();
        JsonNode block = Json.parse(redacted.nativeBlockJson(), "block");
        assertThat(block.get("type").asText()).isEqualTo("redacted_thinking");
        assertThat(block.get("data").asText()).startsWith("EmwKAhgBEgy3va3pzix").endsWith("GHwgAQ==");
        assertThat(out.text()).isEqualTo("1, 2, 3");
        Delta end = out.deltas.get(out.deltas.size() - 1);
        assertThat(end.finishReason()).as("what OpenAI clients get").isEqualTo("stop");
        assertThat(end.stopReason()).isEqualTo("stop_sequence");
        assertThat(end.stopSequence()).isEqualTo("\n\nHuman:");
        assertThat(end.usage().getInputTokens()).isEqualTo(312);
        assertThat(end.usage().getCacheReadTokens()).isEqualTo(4096);
        assertThat(end.usage().getOutputTokens()).isEqualTo(41);

        RecordingListener plain = RecordingListener.decode("/golden/anthropic-text.sse", new AnthropicStreamDecoder(), 64);
        Delta plainEnd = plain.deltas.get(plain.deltas.size() - 1);
        assertThat(plainEnd.stopReason()).isEqualTo("end_turn");
        assertThat(plainEnd.stopSequence()).isNull();
    }

    @Test
    void serverToolBlocksArePassedOnWholeAndAreNoClientToolCalls() {
        RecordingListener out = RecordingListener.decode("/golden/anthropic-web-search.sse", new AnthropicStreamDecoder(), 17);

        assertThat(out.completed).isTrue();
        assertThat(out.toolCalls()).as("web_search runs at Anthropic: no client tool call").isEmpty();
        assertThat(out.finishReason()).isEqualTo("stop");
        assertThat(out.text()).isEqualTo("I'll check the weather in New York.It is sunny, 21C.");
        List<JsonNode> blocks = out.deltas.stream().filter(d -> d.nativeBlockJson() != null)
                .map(d -> Json.parse(d.nativeBlockJson(), "block")).toList();
        assertThat(blocks).hasSize(2);
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("server_tool_use");
        assertThat(blocks.get(0).get("id").asText()).isEqualTo("srvtoolu_014hJH82Qum7Td6UV8gDXThB");
        assertThat(blocks.get(0).at("/input/query").asText()).as("its streamed input").isEqualTo("weather NYC today");
        assertThat(blocks.get(1).get("type").asText()).isEqualTo("web_search_tool_result");
        assertThat(blocks.get(1).at("/content/0/encrypted_content").asText()).isEqualTo("Ev0DCioIAxgCIiQ3NmU4ZmI4OC1k");
        assertThat(out.deltas.stream().filter(Delta::hasContent)
                .map(d -> d.nativeBlockJson() != null ? Json.parse(d.nativeBlockJson(), "b").get("type").asText() : "text"))
                .as("in answer order").containsExactly("text", "server_tool_use", "web_search_tool_result", "text", "text");
    }

    @Test
    void stopReasonsWithoutAnOpenAiTwinReachTheEndAsAnthropicSentThem() {
        for (String stop : List.of("pause_turn", "refusal", "model_context_window_exceeded")) {
            AnthropicStreamDecoder decoder = new AnthropicStreamDecoder();
            RecordingListener out = new RecordingListener();
            decoder.onEvent(new SseEvent("message_start", "{\"type\":\"message_start\",\"message\":{\"model\":\"claude-opus-4-7\","
                    + "\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}"), out);
            decoder.onEvent(new SseEvent("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stop
                    + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}"), out);
            decoder.onEvent(new SseEvent("message_stop", "{\"type\":\"message_stop\"}"), out);
            Delta end = out.deltas.get(out.deltas.size() - 1);
            assertThat(end.stopReason()).isEqualTo(stop);
            assertThat(end.finishReason()).isEqualTo(AnthropicStreamDecoder.finishReason(stop));
        }
    }
}
