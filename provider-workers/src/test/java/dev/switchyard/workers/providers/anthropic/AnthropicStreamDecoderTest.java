package dev.switchyard.workers.providers.anthropic;

import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.providers.RecordingListener;
import org.junit.jupiter.api.Test;

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
        assertThat(AnthropicStreamDecoder.finishReason("max_tokens")).isEqualTo("length");
        assertThat(AnthropicStreamDecoder.finishReason("tool_use")).isEqualTo("tool_calls");
        assertThat(AnthropicStreamDecoder.finishReason("refusal")).isEqualTo("content_filter");
    }
}
